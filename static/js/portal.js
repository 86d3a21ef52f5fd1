/* Portal-wide behaviour without inline scripts (the Content-Security-Policy allows only scripts from this site):
   choosing a language submits its form at once (a button does it where scripts do not run). */
document.addEventListener("change", function (event) {
  if (event.target.id === "language-select" && event.target.form) {
    event.target.form.submit();
  }
});

/* A product page's thumbnail shows its picture in the large frame (the link opens the picture without scripts). */
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".gallery-thumbs a");
  var main = document.getElementById("gallery-main");
  if (link && main) {
    event.preventDefault();
    main.src = link.href;
  }
});

/* A form with data-confirm asks before it is sent (delete an address, cancel an order, delete a list). */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
