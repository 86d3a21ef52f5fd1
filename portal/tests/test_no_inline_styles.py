"""The Content-Security-Policy allows styles only from the portal's own files (README, portal/settings.py): an
inline `style="…"` attribute or a `<style>` block in a page's template is silently dropped by the browser, and the
page loses its layout (the support metrics' charts were drawn page-wide). Mails and PDFs are not served under the
policy and keep their inline styles."""
import re
from pathlib import Path

from django.conf import settings

INLINE = re.compile(r"""<style[\s>]|\sstyle\s*=\s*["']""", re.IGNORECASE)
NOT_PAGES = ("emails", "pdf")


def test_no_page_template_carries_an_inline_style():
    root = Path(settings.BASE_DIR) / "templates"
    found = []
    for path in sorted(root.rglob("*.html")):
        if path.relative_to(root).parts[0] in NOT_PAGES:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{path.relative_to(root)}:{number}")
    assert found == []
