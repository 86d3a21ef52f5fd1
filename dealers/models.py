"""Tables of dealers: companies, applications, documents, terms, users and roles, addresses, agents."""
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.lifecycle import Lifecycle, StatusChange, status_fields

from .errors import InvalidTransition


class Role(models.TextChoices):
    """A dealer user's role; what each may do is in permissions.py."""

    OWNER = "owner", _("Owner")
    BUYER = "buyer", _("Buyer")
    APPROVER = "approver", _("Approver")
    FINANCE = "finance", _("Finance")
    VIEWER = "viewer", _("Viewer")


class UserManager(BaseUserManager):
    """Users log in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person: a dealer's user (dealer and role set) or staff (is_staff)."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # `phone` in E.164 (+905321234567), kept by dealers.phones on save: WhatsApp matches a sender by it.
    phone_e164 = models.CharField(_("phone (E.164)"), max_length=16, blank=True, db_index=True, editable=False)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en",
        help_text=_("Language of mails and PDFs."),
    )
    dealer = models.ForeignKey(
        "Dealer", verbose_name=_("dealer"), null=True, blank=True, on_delete=models.CASCADE, related_name="users"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, blank=True)
    order_limit = models.DecimalField(
        _("order limit"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Buyers: orders above this total wait for an approver. Empty: no limit."),
    )
    invited_by = models.ForeignKey(
        "self", verbose_name=_("invited by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(dealer__isnull=True) | ~Q(role=""), name="dealer_user_has_role"
            ),
            models.CheckConstraint(
                condition=Q(order_limit__isnull=True) | Q(order_limit__gte=0), name="order_limit_not_negative"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        from .phones import to_e164

        self.phone_e164 = to_e164(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_e164"}
        super().save(*args, **kwargs)

    @property
    def is_dealer_user(self):
        return self.dealer_id is not None

    @cached_property
    def is_sales_agent(self):
        return self.is_staff and self.groups.filter(name=SALES_AGENTS_GROUP).exists()


SALES_AGENTS_GROUP = "Sales agents"


class Segment(models.Model):
    """A group of dealers priced alike (Gold, Silver, …); every approved dealer is in one."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default"), default=False, help_text=_("Given to newly approved dealers."))
    ordering = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "order"), default=0)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["ordering", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_segment")
        ]

    def __str__(self):
        return self.name


class Sector(models.TextChoices):
    CONSTRUCTION = "construction", _("Construction")
    ELECTRICAL = "electrical", _("Electrical")
    PLUMBING = "plumbing", _("Plumbing and heating")
    INDUSTRIAL = "industrial", _("Industrial supply")
    HARDWARE = "hardware", _("Hardware retail")
    AGRICULTURE = "agriculture", _("Agriculture")
    AUTOMOTIVE = "automotive", _("Automotive")
    OTHER = "other", _("Other")


class EmployeeBand(models.TextChoices):
    B1 = "1-9", _("1–9")
    B2 = "10-49", _("10–49")
    B3 = "50-249", _("50–249")
    B4 = "250+", _("250 or more")


class RevenueBand(models.TextChoices):
    R1 = "lt5m", _("under 5 million TRY")
    R2 = "5-25m", _("5–25 million TRY")
    R3 = "25-100m", _("25–100 million TRY")
    R4 = "gt100m", _("over 100 million TRY")


class DealerQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Dealer.Status.APPROVED)

    def assigned_to(self, agent):
        return self.filter(agents=agent)


class Dealer(models.Model):
    """A dealer company: applies, is approved (gets a dealer code), may be suspended."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    # The moves between these statuses: DEALER, after DealerStatusChange below.

    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    tax_office = models.CharField(_("tax office"), max_length=100)
    tax_number = models.CharField(_("tax number"), max_length=11, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    employees = models.CharField(_("number of employees"), max_length=10, choices=EmployeeBand.choices)
    annual_revenue = models.CharField(_("annual revenue"), max_length=10, choices=RevenueBand.choices)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("e-mail"))
    website = models.URLField(_("website"), blank=True)
    address_line = models.CharField(_("address"), max_length=255)
    city = models.CharField(_("city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, default="TR")
    # A delivery address typed on the application when goods go elsewhere than the billing address above; on
    # approval it becomes the default shipping address (empty: the billing address is both).
    shipping_address_line = models.CharField(_("delivery address"), max_length=255, blank=True)
    shipping_city = models.CharField(_("delivery city"), max_length=100, blank=True)
    shipping_postal_code = models.CharField(_("delivery postal code"), max_length=20, blank=True)

    code = models.CharField(_("dealer code"), max_length=12, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLIED, db_index=True)
    segment = models.ForeignKey(Segment, verbose_name=_("segment"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="dealers")
    # The support tier staff set: which SLA targets the dealer's tickets get (support's SLA policies).
    tier = models.CharField(_("support tier"), max_length=20, default="standard", choices=[
        ("standard", pgettext_lazy("support tier", "Standard")), ("silver", _("Silver")), ("gold", _("Gold")),
        ("key_account", _("Key account"))])
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="managed_dealers", limit_choices_to={"is_staff": True},
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("sales agents"), blank=True, related_name="agent_dealers",
        limit_choices_to={"groups__name": SALES_AGENTS_GROUP},
    )
    is_key_account = models.BooleanField(_("key account"), default=False)
    status_reason = models.TextField(_("reason of the last status change"), blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True, db_index=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = DealerQuerySet.as_manager()

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="approved") | Q(code__isnull=False), name="approved_has_code"),
        ]

    def __str__(self):
        return self.trade_name or self.legal_name

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    def owner(self):
        return self.users.filter(role=Role.OWNER, is_active=True).order_by("pk").first()


class DealerStatusChange(StatusChange):
    """History of a dealer's lifecycle: who moved it, when, from, to, why (written by DEALER.move())."""

    dealer = models.ForeignKey(Dealer, verbose_name=_("dealer"), on_delete=models.CASCADE,
                               related_name="status_changes")
    from_status, to_status = status_fields(Dealer.Status, 12)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-created_at", "-id"]


# A dealer's lifecycle: applied → approved | rejected; approved ⇄ suspended. Every move is one service in
# services/lifecycle.py (which narrows the table where it is one particular move: approval only from applied).
DEALER = Lifecycle(
    "dealers.dealer", statuses=Dealer.Status,
    transitions={
        Dealer.Status.APPLIED: {Dealer.Status.APPROVED, Dealer.Status.REJECTED},
        Dealer.Status.APPROVED: {Dealer.Status.SUSPENDED},
        Dealer.Status.SUSPENDED: {Dealer.Status.APPROVED},
        Dealer.Status.REJECTED: set(),
    },
    history=DealerStatusChange, history_of="dealer", error=InvalidTransition,
    refusal=_("A dealer that is %(current)s cannot become %(target)s."))


# Names of the document types the portal ships with, translated; admins may add their own.
KNOWN_DOCUMENT_TYPES = {
    "signature_circular": _("Signature circular"),
    "tax_certificate": _("Tax certificate"),
    "application_form": _("Dealer application form"),
}


class DocumentType(models.Model):
    """A kind of document an application carries; admins mark which are required."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    required = models.BooleanField(_("required"), default=True)
    active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "order"), default=0)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["ordering", "pk"]

    def __str__(self):
        return str(KNOWN_DOCUMENT_TYPES.get(self.code, self.name))


def dealer_document_upload_to(instance, filename):
    # Random names under a private folder: never guessable, never served as static files.
    return f"private/dealer-documents/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class DealerDocument(models.Model):
    dealer = models.ForeignKey(Dealer, verbose_name=_("dealer"), on_delete=models.CASCADE, related_name="documents")
    doc_type = models.ForeignKey(DocumentType, verbose_name=_("type"), on_delete=models.PROTECT)
    file = models.FileField(_("file"), upload_to=dealer_document_upload_to)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dealer document")
        verbose_name_plural = _("dealer documents")
        ordering = ["doc_type__ordering", "pk"]

    def __str__(self):
        return f"{self.doc_type} ({self.original_name})"


class TermsVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def current(self):
        return self.published().order_by("-version").first()


class TermsVersion(models.Model):
    """A version of the terms of use; the newest published one must be accepted by every dealer user."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True,
                                        help_text=_("Empty: a draft nobody is asked to accept yet."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TermsVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("terms of use version")
        verbose_name_plural = _("terms of use")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version} · {self.title}"


class TermsAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="terms_acceptances")
    terms = models.ForeignKey(TermsVersion, verbose_name=_("terms"), on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        constraints = [models.UniqueConstraint(fields=["user", "terms"], name="accept_terms_once")]

    def __str__(self):
        return f"{self.user} · {self.terms}"


class AddressQuerySet(models.QuerySet):
    def billing(self):
        return self.filter(kind=Address.Kind.BILLING)

    def shipping(self):
        return self.filter(kind=Address.Kind.SHIPPING)


class Address(models.Model):
    """A dealer's billing or shipping address; one default of each kind."""

    class Kind(models.TextChoices):
        BILLING = "billing", _("Billing")
        SHIPPING = "shipping", _("Shipping")

    dealer = models.ForeignKey(Dealer, verbose_name=_("dealer"), on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=100, help_text=_("e.g. Head office, Ankara warehouse"))
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    line1 = models.CharField(_("address"), max_length=255)
    line2 = models.CharField(_("address (continued)"), max_length=255, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, default="TR")
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["kind", "-is_default", "label"]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "kind"], condition=Q(is_default=True),
                                    name="one_default_address_per_kind"),
        ]

    def __str__(self):
        return f"{self.label}: {self.line1}, {self.city}"
