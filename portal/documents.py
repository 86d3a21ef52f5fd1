"""PDF documents: one service renders a template under templates/pdf/ with WeasyPrint in a Celery task
and stores the file on a Document row that belongs to its owner (a quote revision, a waybill, ...)."""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from celery import signature
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import Document
from .queue import enqueue, enqueue_on_commit

# The rendering task, by name: portal.tasks imports this module, never the other way round.
RENDER_TASK = signature("portal.tasks.render_document_task")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentKind:
    """How to render one kind of document. Apps register theirs in AppConfig.ready()."""

    name: str
    template: str
    context: Callable[[object], dict]
    title: Callable[[object], str]
    dealer: Callable[[object], object] = lambda owner: None
    # May this user download the PDF of this owner? The same function the owner's page asks (None: staff only).
    can_read: Callable[[object, object], bool] | None = None


_KINDS: dict[str, DocumentKind] = {}


def register_kind(kind: DocumentKind) -> None:
    """Make a kind known to every process (web and worker). Called in the owning app's AppConfig.ready(), never as an
    import side effect; `manage.py hooks` lists what is registered."""
    _KINDS[kind.name] = kind
    _ACCESS[kind.name] = kind.can_read or _staff_only  # as register_access() would


def registered_kinds() -> list[DocumentKind]:
    """Every rendered document kind, by name."""
    return [_KINDS[name] for name in sorted(_KINDS)]


def registered_access() -> dict[str, Callable[[object, object], bool]]:
    """Every file kind a download view serves and its permission function (rendered kinds included), by name."""
    return {name: _ACCESS[name] for name in sorted(_ACCESS)}


# --- Who may download a file ------------------------------------------------------------------------------------------
# Every file the portal serves (rendered PDFs, dealer application documents, return photos, statements) names a kind
# here with the permission function of the object it belongs to; a download view asks `may_download` and nothing else.

_ACCESS: dict[str, Callable[[object, object], bool]] = {}


def _staff_only(user, owner) -> bool:
    return bool(user.is_staff)


def register_access(kind: str, can_read: Callable[[object, object], bool]) -> None:
    """`can_read(user, owner)`: the owner object's own permission function (an invoice's, a quote's, ...)."""
    _ACCESS[kind] = can_read


def may_download(user, kind: str, owner) -> bool:
    """May `user` download the file of `kind` that belongs to `owner`? An unknown kind: superusers only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or owner is None:
        return False
    check = _ACCESS.get(kind)
    if check is None:
        return bool(user.is_superuser)
    return bool(check(user, owner))


def check_download(user, kind: str, owner, *, dealer_id=None) -> None:
    """Raise unless `user` may download: 403 for the owner dealer's own users whose role may not, 404 for anyone
    else (another dealer's file does not exist for them)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    if may_download(user, kind, owner):
        return
    if dealer_id is not None and getattr(user, "dealer_id", None) == dealer_id:
        raise PermissionDenied
    raise Http404


# Ids in download URLs are signed as a second line behind the permission check: a number cannot be guessed into one.
_SIGNER_SALT = "portal.documents.download"


def sign_id(kind: str, pk) -> str:
    from django.core.signing import Signer

    return Signer(salt=f"{_SIGNER_SALT}:{kind}").sign(str(pk))


def unsign_id(kind: str, token: str) -> str | None:
    """The id inside a signed token, None for anything forged or malformed."""
    from django.core.signing import BadSignature, Signer

    try:
        return Signer(salt=f"{_SIGNER_SALT}:{kind}").unsign(token or "")
    except BadSignature:
        return None


def get_kind(name: str) -> DocumentKind:
    return _KINDS[name]


def title_of(document) -> str:
    """The document's title in the active language, from its kind ("" when the kind or its owner is gone)."""
    kind = _KINDS.get(document.kind)
    owner = document.owner if kind is not None else None
    return str(kind.title(owner)) if owner is not None else ""


def static_root() -> Path:
    return Path(settings.BASE_DIR) / "static"


def render_pdf(*, template: str, context: dict, language: str) -> bytes:
    """Render an HTML template to PDF bytes in `language`. Fonts come from fontconfig: DejaVu covers
    Latin (Turkish, Vietnamese) and Cyrillic, Noto CJK covers Chinese."""
    from weasyprint import HTML  # heavy import, only where PDFs are made

    full = {
        **context,
        "company": settings.COMPANY,
        "portal_name": settings.PORTAL_NAME,
        "language": language,
        "generated_at": timezone.now(),
    }
    # Local time in the worker as on the web (a document shows dates of the portal's time zone, never UTC).
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        html = render_to_string(template, full)
    return HTML(string=html, base_url=str(static_root())).write_pdf()


def request_document(*, owner, kind: str, language: str | None = None) -> Document:
    """Ask for a PDF of `owner`; it is rendered by a worker after the transaction commits."""
    spec = get_kind(kind)
    with transaction.atomic():
        doc = Document.objects.create(
            kind=kind,
            owner_type=ContentType.objects.get_for_model(owner),
            owner_id=str(owner.pk),
            dealer=spec.dealer(owner),
            language=language or settings.LANGUAGE_CODE,
            title=str(spec.title(owner))[:200],
        )
        enqueue_on_commit(RENDER_TASK, doc.pk)
    return doc


def render_document(*, document_id) -> bool:
    """Render a pending document and store its file. Safe to run twice: a ready one is left alone."""
    with transaction.atomic():
        doc = (
            Document.objects.select_for_update(skip_locked=True)
            .filter(pk=document_id, status=Document.Status.PENDING)
            .first()
        )
        if doc is None:
            return False
        spec = get_kind(doc.kind)
        doc.attempts += 1
        try:
            owner = doc.owner
            if owner is None:
                raise LookupError("The document's owner no longer exists.")
            pdf = render_pdf(template=spec.template, context=spec.context(owner), language=doc.language)
        except Exception as exc:  # a broken template or owner is recorded, not retried forever
            doc.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if doc.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                doc.status = Document.Status.FAILED
            doc.save(update_fields=["attempts", "last_error", "status"])
            log.exception("Document %s failed to render", doc.pk)
            return False
        doc.file.save(f"{doc.kind}.pdf", ContentFile(pdf), save=False)
        doc.status = Document.Status.READY
        doc.rendered_at = timezone.now()
        doc.last_error = ""
        doc.save(update_fields=["file", "status", "rendered_at", "attempts", "last_error"])
    return True


def requeue_pending_documents(*, older_than_seconds=300) -> int:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Document.objects.filter(status=Document.Status.PENDING, created_at__lte=cutoff).values_list("pk", flat=True)[
            :500
        ]
    )
    for pk in ids:
        enqueue(RENDER_TASK, pk)
    return len(ids)


def documents_of(owner, kind: str | None = None):
    qs = Document.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=str(owner.pk))
    return qs.filter(kind=kind) if kind else qs


# The kernel's own kind: a specimen page staff render to check the letterhead and the fonts in every language.
SPECIMEN_LINES = [
    ("en", "Quotation for your order: thank you for your business."),
    ("tr", "Sipariş özeti: ÇELİK IŞIK ığdır şişe — teşekkür ederiz."),
    ("bg", "Оферта за вашата поръчка: благодарим ви за доверието."),
    ("vi", "Báo giá cho đơn hàng của bạn: cảm ơn quý khách."),
    ("zh-hans", "您的订单报价：感谢您的惠顾。"),
]

SPECIMEN = DocumentKind(
    name="portal.specimen",
    template="pdf/specimen.html",
    context=lambda owner: {"requested_by": owner, "lines": SPECIMEN_LINES},
    title=lambda owner: _("Letterhead and font specimen"),
    can_read=_staff_only,
)
