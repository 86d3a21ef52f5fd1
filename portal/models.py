"""Kernel tables: the notification outbox, the audit log and rendered PDF documents."""
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One e-mail to one recipient, written in the business transaction and delivered after it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.EmailField(_("recipient"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="notifications",
    )
    template = models.CharField(_("template"), max_length=100, help_text=_("Name under templates/emails/"))
    context = models.JSONField(_("context"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications (outbox)")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.template} → {self.recipient} ({self.get_status_display()})"


class AuditEntry(models.Model):
    """Who did what, acting for which dealer, on which object, with which data, when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    actor_repr = models.CharField(_("actor (as recorded)"), max_length=255, blank=True)
    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.ForeignKey(ContentType, verbose_name=_("object type"), null=True, blank=True,
                                    on_delete=models.SET_NULL)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        # Local time in the reader's format: the admin shows this beside the local `when` column.
        when = date_format(timezone.localtime(self.created_at), "SHORT_DATETIME_FORMAT") if self.created_at else ""
        return f"{when} {self.actor_repr} {self.action} {self.target_repr}".strip()


def document_upload_to(instance, filename):
    # Random names: a document's path tells nothing and cannot be guessed.
    return f"documents/{instance.kind.replace('.', '/')}/{uuid.uuid4().hex}.pdf"


class Document(models.Model):
    """A PDF rendered by WeasyPrint in a Celery task from a template under templates/pdf/, owned by one object."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=50)
    owner_type = models.ForeignKey(ContentType, verbose_name=_("owner type"), on_delete=models.CASCADE)
    owner_id = models.CharField(_("owner ID"), max_length=64)
    owner = GenericForeignKey("owner_type", "owner_id")
    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="documents_rendered", help_text=_("The dealer whose users may download it; empty: staff only."),
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to=document_upload_to, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents (PDF)")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner_type", "owner_id", "kind"])]

    def __str__(self):
        # In the reader's language (the stored title is in the language it was rendered in).
        from .documents import title_of

        return title_of(self) or self.title or f"{self.kind} #{self.pk}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key for an integration (ERP) or a dealer user's script. Only a hash is stored; the key is shown once."""

    class Scope(models.TextChoices):
        DEALERS_READ = "dealers:read", _("Read dealers")
        DEALERS_WRITE = "dealers:write", _("Create dealers")
        DEALERS_APPROVE = "dealers:approve", _("Approve and reject dealers")
        ACCOUNT = "account", _("A dealer user's own company, addresses and users")
        CATALOG_WRITE = "catalog:write", _("Upsert products, prices and stock")
        CATALOG_READ = "catalog:read", _("Read products, categories and prices")
        PAYMENTS_WRITE = "payments:write", _("Record payments and allocate them to invoices (accounting system)")
        SHIPPING_WRITE = "shipping:write", _("Create shipments, add parcels and report tracking events (ERP)")
        FEEDBACK_READ = "feedback:read", _("Read NPS answers and the voice-of-the-dealer figures (staff)")

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses it, e.g. 'ERP production'."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acts as user"), on_delete=models.CASCADE, related_name="api_tokens",
    )
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=128, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope) -> bool:
        return scope in (self.scopes or [])


class NumberSequence(models.Model):
    """The last number given in a series (`ORD-2026`): human document numbers apart from primary keys."""

    key = models.CharField(_("series"), max_length=40, unique=True)
    value = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.key}: {self.value}"


class Heartbeat(models.Model):
    """When a background process (a Celery worker, beat's schedule) was last seen alive; /healthz/ reads it.
    Kept in the database, not Redis, so it is readable when Redis is the thing that is down. Internal only."""

    name = models.CharField(_("name"), max_length=200, primary_key=True)
    seen_at = models.DateTimeField(_("last seen at"))

    def __str__(self):
        return f"{self.name}: {self.seen_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyKey(models.Model):
    """An `Idempotency-Key` a client sent with a POST that creates money-bearing objects (portal/idempotency.py).

    Claimed (inserted and committed) before the request runs, so a parallel request with the same key sees it; kept
    with a fingerprint of the request (method, path, canonical body) and, once the request finished, its response
    (status code and body) to answer replays with. One per key and scope (the API token or user, and the dealer
    acted for); deleted after IDEMPOTENCY_KEY_TTL_HOURS by a daily beat job."""

    scope = models.CharField(_("scope"), max_length=100)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=255)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    # JSON text as answered (key order kept), so a replay's body is the first response's body.
    response_body = models.TextField(_("response body"), blank=True)
    locked_at = models.DateTimeField(_("running since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="one_idempotency_key_per_scope")]

    def __str__(self):
        return f"{self.method} {self.path} · {self.key}"
