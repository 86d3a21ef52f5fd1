"""Demo data of dealers: segments, terms v1, dealers in every status, users in every role, two agents. Idempotent."""
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.demo import DEMO_PASSWORD

from .models import SALES_AGENTS_GROUP, Address, Dealer, Role, Segment, TermsAcceptance, TermsVersion, User

SEGMENTS = [("gold", "Gold", 1), ("silver", "Silver", 2), ("bronze", "Bronze", 3)]

DEALERS = [
    # code, status, legal name, tax number, segment, city
    ("KAYA36", Dealer.Status.APPROVED, "Kaya Elektrik Malzemeleri Ltd. Şti.", "1234567801", "gold", "İstanbul"),
    ("ANKR34", Dealer.Status.APPROVED, "Ankara Yapı Market A.Ş.", "1234567802", "silver", "Ankara"),
    ("CFAV47", Dealer.Status.APPROVED, "София Инсталации ЕООД", "1234567803", "bronze", "Sofia"),
    ("HNXY63", Dealer.Status.SUSPENDED, "Công ty TNHH Hà Nội Kỹ Thuật", "1234567804", "bronze", "Hà Nội"),
    (None, Dealer.Status.APPLIED, "Ege Tesisat Ticaret Ltd. Şti.", "1234567805", None, "İzmir"),
    (None, Dealer.Status.REJECTED, "Deneme Pazarlama", "1234567806", None, "Bursa"),
]

TERMS_V1 = """1. These terms govern the use of the dealer portal by the dealer and its users.
2. Prices shown are net of VAT and valid for the dealer they are shown to; they are confidential.
3. Orders placed through the portal are binding once confirmed by us.
4. The dealer is responsible for the accounts of its users and keeps passwords secret.
5. Payment terms and credit limits are those agreed in the dealer contract."""


def _user(email, **fields):
    user, created = User.objects.get_or_create(email=email, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def load():
    logins = []
    with transaction.atomic():
        for code, name, order in SEGMENTS:
            Segment.objects.get_or_create(code=code, defaults={"name": name, "ordering": order})
        terms, _ = TermsVersion.objects.get_or_create(
            version=1, defaults={"title": "Dealer portal terms of use", "body": TERMS_V1, "published_at": timezone.now()})
        agents_group = Group.objects.get(name=SALES_AGENTS_GROUP)
        agents = []
        for email, first, last, lang in [("agent.ayse@example.com", "Ayşe", "Yılmaz", "tr"),
                                         ("agent.ivan@example.com", "Ivan", "Petrov", "bg")]:
            agent = _user(email, first_name=first, last_name=last, is_staff=True, language=lang)
            agent.groups.add(agents_group)
            agents.append(agent)
            logins.append(("sales agent", email, DEMO_PASSWORD, ""))
        for index, (code, status, legal, tax, segment, city) in enumerate(DEALERS):
            slug = (code or legal.split()[0]).lower()
            dealer, created = Dealer.objects.get_or_create(tax_number=tax, defaults=dict(
                legal_name=legal, trade_name=legal.split(" ")[0] + " " + legal.split(" ")[1], tax_office="Merkez",
                sector="electrical", employees="10-49", annual_revenue="5-25m", phone=f"+90 212 555 10 {index:02d}",
                email=f"info@{slug}.example.com", address_line=f"Sanayi Cad. No: {index + 1}", city=city,
                status=status, code=code, segment=Segment.objects.filter(code=segment).first(),
                approved_at=timezone.now() if code else None,
                status_reason="Incomplete documents." if status == Dealer.Status.REJECTED else
                ("Overdue invoices." if status == Dealer.Status.SUSPENDED else "")))
            dealer.agents.add(agents[index % 2])
            roles = list(Role) if status == Dealer.Status.APPROVED and index == 0 else [Role.OWNER]
            for role in roles:
                email = f"{role.value}@{slug}.example.com"
                user = _user(email, first_name=role.label, last_name=dealer.trade_name, dealer=dealer, role=role,
                             order_limit=5000 if role == Role.BUYER else None,
                             language={"Sofia": "bg", "Hà Nội": "vi"}.get(city, "tr"))
                TermsAcceptance.objects.get_or_create(user=user, terms=terms)
                logins.append((f"{role.value} ({dealer.get_status_display().lower()})", email, DEMO_PASSWORD,
                               dealer.code or ""))
            if created and status == Dealer.Status.APPROVED:
                Address.objects.create(dealer=dealer, kind=Address.Kind.BILLING, label="Head office",
                                       line1=dealer.address_line, city=city, is_default=True)
                Address.objects.create(dealer=dealer, kind=Address.Kind.SHIPPING, label="Main warehouse",
                                       line1="Depo Sok. No: 3", city=city, is_default=True)
    return logins
