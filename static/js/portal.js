/* Portal-wide behaviour without inline scripts (the Content-Security-Policy allows only scripts from this site):
   choosing a language submits its form at once (a button does it where scripts do not run). */
document.addEventListener("change", function (event) {
  if (event.target.id === "language-select" && event.target.form) {
    event.target.form.submit();
  }
});
