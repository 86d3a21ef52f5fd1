"""Demo data of feedback (issue 17), loaded after support's demo. Idempotent: every part is keyed by stable markers
(the panel dealers' tax numbers, the recent answers' comments, reviews by product and user, the stories' dealers),
so loading again creates nothing. No mail leaves the machine: the outbox uses the console/file backend in dev.

- **A survey panel**: twenty more approved dealers in other cities and tiers (owner, most with a buyer and an
  approver; no logins: their passwords are unusable), spread over the sales agents, among them a third sales agent
  (Deniz Öztürk, a login), so the dashboard's breakdowns by tier, region and sales agent have something to show.
- **Twelve months of NPS history** (`_history`): invitations of every demo and panel dealer, about once a quarter
  (the survey's window), to the owner and the roles the demo's survey settings add (approver, buyer), ~75 % answered
  (~170 answers), the score drifting upwards over the year with a dip in one month of late deliveries; comments and
  reason tags in Turkish and English. Written directly: `nps.answer` stamps the present and refuses an expired link,
  and replaying a year through it would open ~50 survey tickets and mail every panel user on each load. Last year's
  detractors' follow-ups are written resolved directly too (they were closed long ago; no desk ticket).
- **Recent answers through the services** (`_recent`): invitations of the last weeks (written directly: the beat
  cannot be pointed at a dealer, and the demo's open tickets suppress it), answered with `nps.answer`, which closes
  the loop (`loop.after_answer`): three detractors whose survey tickets are then worked on the desk by a support
  agent so their follow-ups are open, contacted and resolved; a passive thanked; two promoters, one of whose story is
  written, edited by staff, consented to and published (Turkish), the other's left invited.
- **Reviews** (`_reviews`): two more delivered orders of KAYA36 and ANKR34 (placed, confirmed, shipped and delivered
  through orders' and shipping's services, dated weeks ago) so their users are verified buyers of several products;
  reviews through `reviews.submit_review`, `approve`, `reject`, `reply`, `vote_helpful`: seven published across five
  products (one with a photo, two with the seller's reply, one showing the company's name), one waiting, one
  rejected with a reason, and one rewarded (the demo's survey settings offer 2 % for 30 days from then on).
"""
import io
import logging
import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

AGENT = ("agent.deniz@example.com", "Deniz", "Öztürk", "tr")

# tax number, code, legal name, city, tier, agent (0 Ayşe, 1 Ivan, 2 Deniz), users' language, users (roles)
PANEL = [
    ("1234567901", "IZMR35", "Ege Elektrik Ticaret Ltd. Şti.", "İzmir", "gold", 2, "tr", ("owner", "buyer", "approver")),
    ("1234567902", "BRSA16", "Bursa Aydınlatma A.Ş.", "Bursa", "silver", 0, "tr", ("owner", "buyer", "approver")),
    ("1234567903", "ANTL07", "Antalya Yapı Elektrik Ltd. Şti.", "Antalya", "standard", 2, "tr", ("owner", "buyer")),
    ("1234567904", "KNYA42", "Konya Tesisat Market", "Konya", "standard", 0, "tr", ("owner", "buyer", "approver")),
    ("1234567905", "ADNA01", "Adana Enerji Malzemeleri Ltd. Şti.", "Adana", "silver", 2, "tr", ("owner", "buyer", "approver")),
    ("1234567906", "GAZP27", "Gaziantep Işık Ticaret", "Gaziantep", "standard", 2, "tr", ("owner", "buyer", "approver")),
    ("1234567907", "TRBZ61", "Karadeniz Elektrik Ltd. Şti.", "Trabzon", "standard", 0, "tr", ("owner",)),
    ("1234567908", "ESKS26", "Eskişehir Kablo Market", "Eskişehir", "silver", 0, "tr", ("owner", "buyer", "approver")),
    ("1234567909", "KYSR38", "Kayseri Yapı Malzemeleri A.Ş.", "Kayseri", "gold", 2, "tr", ("owner", "buyer", "approver")),
    ("1234567910", "SMSN55", "Samsun Elektrik Tesisat", "Samsun", "standard", 0, "tr", ("owner", "buyer")),
    ("1234567911", "KCLI41", "Kocaeli Endüstriyel Elektrik A.Ş.", "Kocaeli", "key_account", 2, "tr",
     ("owner", "buyer", "approver")),
    ("1234567912", "IZMR36", "Bornova Aydınlatma Ltd. Şti.", "İzmir", "standard", 2, "tr", ("owner", "buyer", "approver")),
    ("1234567913", "ISTB34", "Ümraniye Elektrik Malzemeleri", "İstanbul", "silver", 0, "tr", ("owner", "buyer", "approver")),
    ("1234567914", "ISTB35", "Marmara Yapı Market A.Ş.", "İstanbul", "key_account", 0, "tr",
     ("owner", "buyer", "approver")),
    ("1234567915", "ANKR06", "Çankaya Tesisat Ltd. Şti.", "Ankara", "standard", 1, "tr", ("owner", "buyer", "approver")),
    ("1234567916", "PLVD16", "Пловдив Електро ООД", "Plovdiv", "silver", 1, "bg", ("owner", "buyer", "approver")),
    ("1234567917", "VRNA09", "Варна Осветление ЕООД", "Varna", "standard", 1, "bg", ("owner", "buyer")),
    ("1234567918", "SOFA02", "София Кабел АД", "Sofia", "gold", 1, "bg", ("owner", "buyer", "approver")),
    ("1234567919", "DNNG43", "Công ty TNHH Điện Đà Nẵng", "Đà Nẵng", "standard", 1, "vi", ("owner", "buyer")),
    ("1234567920", "MRSN33", "Mersin Liman Elektrik Ltd. Şti.", "Mersin", "standard", 2, "tr", ("owner", "buyer", "approver")),
]
# Roles asked besides the owner in the demo's survey settings (the panel's history asked them too).
EXTRA_ROLES = ["approver", "buyer"]
ORIGINAL = ("KAYA36", "ANKR34", "CFAV47", "HNXY63")   # the dealers demo's dealers that were approved a year ago


def load() -> list:
    """Feedback's demo data (module doc); returns the logins it adds (the third sales agent)."""
    from portal.demo import DEMO_PASSWORD

    with transaction.atomic():
        _panel()
    _history()
    _recent()
    _reviews()
    return [("sales agent", AGENT[0], DEMO_PASSWORD, "")]


# --- the survey panel ------------------------------------------------------------------------------------------------

def _agents() -> list:
    from dealers.models import User

    return [User.objects.filter(email=email).first()
            for email in ("agent.ayse@example.com", "agent.ivan@example.com", AGENT[0])]


def _panel() -> None:
    """The third sales agent and the panel dealers with their users, made like the dealers demo makes its own."""
    from django.contrib.auth.models import Group

    from dealers.models import SALES_AGENTS_GROUP, Dealer, Segment, User
    from portal.demo import DEMO_PASSWORD

    from .services.survey import settings as survey_settings

    email, first, last, language = AGENT
    agent, created = User.objects.get_or_create(email=email, defaults={
        "first_name": first, "last_name": last, "is_staff": True, "language": language})
    if created:
        agent.set_password(DEMO_PASSWORD)
        agent.save()
    agent.groups.add(Group.objects.get_or_create(name=SALES_AGENTS_GROUP)[0])
    agents = _agents()
    segments = {"gold": "gold", "key_account": "gold", "silver": "silver", "standard": "bronze"}
    for index, (tax, code, legal, city, tier, agent_index, language, roles) in enumerate(PANEL):
        if Dealer.objects.filter(tax_number=tax).exists():
            continue
        slug = code.lower()
        dealer = Dealer.objects.create(
            legal_name=legal, trade_name=" ".join(legal.split()[:2]), tax_office="Merkez", tax_number=tax,
            sector="electrical", employees="10-49", annual_revenue="5-25m", phone=f"+90 212 555 20 {index:02d}",
            email=f"info@{slug}.example.com", address_line=f"Organize Sanayi {index + 1}. Cad. No: 4", city=city,
            status=Dealer.Status.APPROVED, code=code, tier=tier,
            segment=Segment.objects.filter(code=segments[tier]).first(),
            approved_at=timezone.now() - timedelta(days=400))
        if agents[agent_index] is not None:
            dealer.agents.add(agents[agent_index])
        for role in roles:
            user = User(email=f"{role}@{slug}.example.com", first_name=role.capitalize(), last_name=dealer.trade_name,
                        dealer=dealer, role=role, language=language)
            user.set_unusable_password()  # a panel dealer answers surveys in the demo; nobody signs in as it
            user.save()
    config = survey_settings()
    if not config.extra_roles and not _history_loaded():
        config.extra_roles = list(EXTRA_ROLES)
        config.save(update_fields=["extra_roles"])


def _panel_dealers():
    from dealers.models import Dealer

    return Dealer.objects.filter(tax_number__in=[row[0] for row in PANEL])


def _history_loaded() -> bool:
    from .models import NpsInvitation

    return NpsInvitation.objects.filter(dealer__in=_panel_dealers()).exists()


# --- twelve months of NPS history --------------------------------------------------------------------------------------

COMMENTS = {
    "promoter": [
        ("tr", "Siparişler hep zamanında geliyor, portal çok pratik."),
        ("tr", "Satış temsilcimiz her sorumuza aynı gün dönüyor."),
        ("tr", "LED panellerin kalitesi müşterilerimizden çok iyi geri dönüş alıyor."),
        ("tr", "Hızlı sipariş sayfası işimizi çok kolaylaştırdı."),
        ("en", "Reliable deliveries and fair prices. We recommend you to other installers."),
        ("en", "The portal saves our buyer an hour a day."),
        ("en", "Great stock availability on cables, even in the busy season."),
    ],
    "passive": [
        ("tr", "Genel olarak memnunuz ama kargo bazen bir gün gecikiyor."),
        ("tr", "Fiyatlar biraz yüksek, kalite iyi."),
        ("tr", "Bazı ürünlerde stok sorunu yaşadık."),
        ("en", "Good products; payment terms could be longer."),
        ("en", "Fine overall. The invoices could come with the delivery."),
    ],
    "detractor": [
        ("tr", "Son iki teslimat geç geldi, müşterimize söz verdiğimiz tarihi kaçırdık."),
        ("tr", "Kablo makaraları eksik geldi ve kimse geri dönmedi."),
        ("tr", "Fiyatlar rakiplere göre çok yüksek."),
        ("tr", "Sigortalar stokta görünüyordu ama sipariş iptal edildi."),
        ("en", "Two deliveries were late this quarter and nobody told us in advance."),
        ("en", "Prices went up twice this year without notice."),
        ("en", "Hard to reach anyone when an order is stuck."),
    ],
}
REASONS = {
    "promoter": ["delivery", "product_quality", "sales_agent", "ordering", "support"],
    "passive": ["price", "payment_terms", "stock", "delivery"],
    "detractor": ["delivery", "price", "stock", "support", "product_quality"],
}
# The dealers' mood (chance of a promoter, of a passive) by tier: key accounts and gold dealers are happier.
MOOD = {"key_account": (0.62, 0.26), "gold": (0.58, 0.27), "silver": (0.52, 0.28), "standard": (0.46, 0.30)}
DIP_MONTHS_AGO = 5   # the month of late deliveries: more detractors


def _score(rng, tier, months_ago) -> int:
    promoter, passive = MOOD.get(tier, MOOD["standard"])
    promoter += (6 - months_ago) * 0.02          # a better year: the trend goes up
    if months_ago == DIP_MONTHS_AGO:
        promoter -= 0.2
    roll = rng.random()
    if roll < promoter:
        return rng.choice((9, 9, 10, 10, 10))
    if roll < promoter + passive:
        return rng.choice((7, 8, 8))
    return rng.choice((0, 2, 3, 4, 5, 5, 6, 6, 6))


def _history() -> None:
    """Invitations about once a quarter per dealer over the last year (before the recent ones) and their answers,
    written directly with their past dates (module doc), deterministic (a fixed seed)."""
    from catalog.models import Category
    from dealers.models import Dealer, Role

    from .models import DetractorLoop, LoopStatus, NpsInvitation, NpsResponse
    from .services.loop import loop_sales_agent
    from .services.nps import kind_of

    if _history_loaded():
        return
    rng = random.Random(1717)
    families = list(Category.objects.filter(parent__isnull=True).order_by("pk"))
    dealers = list(Dealer.objects.filter(code__in=ORIGINAL).order_by("code")) + list(_panel_dealers().order_by("code"))
    now = timezone.now()
    with transaction.atomic():
        for dealer in dealers:
            people = list(dealer.users.filter(role__in=[Role.OWNER, *EXTRA_ROLES], email__gt="").order_by("pk"))
            agent = loop_sales_agent(dealer)
            family_weights = [rng.randint(1, 6) for _family in families]
            # The first wave a few weeks to a quarter ago; the dealers answering recently (RECENT) were not asked
            # in the window before.
            days = rng.randint(95, 110) if dealer.code in RECENT_DEALERS else rng.randint(10, 95)
            while days < 365:
                sent = now - timedelta(days=days, hours=rng.randint(0, 9))
                months_ago = days // 30
                family = rng.choices(families, weights=family_weights)[0] if families else None
                for user in people:
                    answered = rng.random() < 0.75
                    responded = sent + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 6)), minutes=rng.randint(5, 600))
                    invitation = NpsInvitation.objects.create(
                        dealer=dealer, user=user, sent_at=sent, expires_at=sent + timedelta(days=14),
                        opened_at=(responded - timedelta(minutes=3)) if answered
                        else (sent + timedelta(days=2) if rng.random() < 0.4 else None),
                        language=user.language or "en", tier=dealer.tier or "", city=dealer.city[:100],
                        sales_agent=agent, product_family=family,
                        delivered_at=sent - timedelta(days=7))
                    if not answered:
                        continue
                    score = _score(rng, dealer.tier, months_ago)
                    kind = kind_of(score)
                    comment = ""
                    if rng.random() < 0.55:
                        pool = [text for lang, text in COMMENTS[kind] if lang == "tr"] \
                            if user.language == "tr" and rng.random() < 0.75 else \
                            [text for lang, text in COMMENTS[kind] if lang == "en"]
                        comment = rng.choice(pool)
                    reasons = sorted(set(rng.sample(REASONS[kind], rng.randint(0, 2))))
                    response = NpsResponse.objects.create(
                        invitation=invitation, dealer=dealer, score=score, kind=kind, comment=comment,
                        reasons=reasons, responded_at=responded)
                    if kind == "detractor":
                        # Followed up long ago (before the desk took survey answers): resolved, no ticket.
                        loop = DetractorLoop.objects.create(
                            response=response, owner=agent, status=LoopStatus.RESOLVED,
                            contacted_at=responded + timedelta(days=1), resolved_at=responded + timedelta(days=6),
                            note="Called the dealer; agreed on the next steps.")
                        DetractorLoop.objects.filter(pk=loop.pk).update(created_at=responded)
                days += 91 + rng.randint(0, 14)


# --- recent answers through the services ---------------------------------------------------------------------------------

# (dealer code, role, days ago invited, days ago answered, score, comment, reasons, what follows)
RECENT = [
    ("ANKR34", "owner", 9, 2, 3,
     "Son siparişte iki koli eksik geldi ve bir haftadır cevap bekliyoruz.", ["delivery", "support"], "open"),
    ("KAYA36", "approver", 12, 6, 5,
     "The cable reels arrived two days late and the driver did not call ahead.", ["delivery"], "contacted"),
    ("CFAV47", "owner", 16, 11, 4,
     "Prices on fuses went up without notice; we heard it from our buyer.", ["price"], "resolved"),
    ("KAYA36", "buyer", 12, 5, 8, "Good service; some items were out of stock.", ["stock"], "passive"),
    ("KAYA36", "owner", 12, 4, 10,
     "Portal ve teslimatlar harika; satış temsilcimiz her zaman yardımcı.", ["delivery", "sales_agent"], "story"),
    ("IZMR35", "owner", 8, 3, 9, "Hızlı teslimat, kaliteli ürünler.", ["product_quality"], "invited"),
]
RECENT_DEALERS = {row[0] for row in RECENT}
EMRE = "support.emre@example.com"
STORY = {
    "title": "Kaya Elektrik: stoksuz çalışan dükkân",
    "body": "İstanbul'daki iki mağazamızda artık büyük stok tutmuyoruz. Portaldan sabah verdiğimiz sipariş ertesi gün "
            "elimizde; LED panellerde ve kablolarda müşterimize kesin teslim tarihi verebiliyoruz. Satış temsilcimiz "
            "Ayşe Hanım kampanyaları önceden haber veriyor, böylece sezona hazırlıklı giriyoruz.",
    "edited_title": "Kaya Elektrik: ertesi gün teslimatla stoksuz mağaza",
    "edited_body": "Kaya Elektrik, İstanbul'daki iki mağazasında büyük stok tutmadan çalışıyor: sabah portaldan "
                   "verilen sipariş ertesi gün mağazada. LED panellerde ve kablolarda müşterilerine kesin teslim "
                   "tarihi verebiliyorlar; satış temsilcileri kampanyaları önceden haber veriyor, böylece sezona "
                   "hazırlıklı giriyorlar.",
}


def _dated(moment, step):
    """Run `step` and date at `moment` what it wrote: support's rows (tickets' times, messages, status history, as
    support's demo dates its own) and feedback's (answers, follow-ups and their history, stories and their history).
    The services write the present."""
    from django.db.models import Q

    from support.models import Message, Ticket, TicketStatusChange

    from .models import DetractorLoop, DetractorLoopStatusChange, NpsResponse, Story, StoryStatusChange

    mark = timezone.now()
    result = step()
    for field in ("created_at", "first_responded_at", "resolved_at", "closed_at", "paused_at", "last_dealer_reply_at",
                  "satisfaction_asked_at"):
        Ticket.objects.filter(**{f"{field}__gte": mark}).update(**{field: moment})
    Ticket.objects.filter(Q(created_at__gte=mark) | Q(updated_at__gte=mark)).update(updated_at=moment)
    Message.objects.filter(created_at__gte=mark).update(created_at=moment)
    TicketStatusChange.objects.filter(created_at__gte=mark).update(created_at=moment)
    NpsResponse.objects.filter(responded_at__gte=mark).update(responded_at=moment)
    for field in ("created_at", "contacted_at", "resolved_at"):
        DetractorLoop.objects.filter(**{f"{field}__gte": mark}).update(**{field: moment})
    for field in ("invited_at", "submitted_at", "consent_at", "published_at"):
        Story.objects.filter(**{f"{field}__gte": mark}).update(**{field: moment})
    DetractorLoopStatusChange.objects.filter(created_at__gte=mark).update(created_at=moment)
    StoryStatusChange.objects.filter(created_at__gte=mark).update(created_at=moment)
    return result


def _recent() -> None:
    from dealers.models import Dealer, User
    from portal.errors import DomainError

    from .models import NpsResponse

    emre = User.objects.filter(email=EMRE, is_active=True).first()
    now = timezone.now()
    for code, role, invited, answered, score, comment, reasons, follows in RECENT:
        dealer = Dealer.objects.filter(code=code, status=Dealer.Status.APPROVED).first()
        user = dealer and dealer.users.filter(role=role, is_active=True).order_by("pk").first()
        if user is None or NpsResponse.objects.filter(dealer=dealer, comment=comment).exists():
            continue
        shipment = dealer.shipments.filter(kind="outbound", status="delivered").order_by("-delivered_at", "-pk").first()
        try:
            with transaction.atomic():
                _recent_answer(dealer, user, shipment, now, invited, answered, score, comment, reasons, follows,
                               emre)
        except DomainError as exc:  # an answer that cannot be made is left out; the others still load
            log.warning("Demo feedback: the answer of %s left out: %s", dealer, exc.message)


def _recent_answer(dealer, user, shipment, now, invited, answered, score, comment, reasons, follows, emre):
    from .models import NpsInvitation
    from .services.loop import loop_sales_agent
    from .services.nps import product_family_of

    sent = now - timedelta(days=invited)
    invitation = NpsInvitation.objects.create(
        dealer=dealer, user=user, shipment=shipment, order=shipment.order if shipment else None,
        delivered_at=shipment.delivered_at if shipment else sent - timedelta(days=7), sent_at=sent,
        expires_at=now + timedelta(days=1), language=user.language or "en",
        tier=dealer.tier or "", city=dealer.city[:100], sales_agent=loop_sales_agent(dealer),
        product_family=product_family_of(shipment) if shipment else None)
    moment = now - timedelta(days=answered)
    response = _dated(moment, lambda i=invitation, s=score, c=comment, r=reasons: _answer(i, s, c, r))
    # The link was valid for 14 days from its sending (open above while the service takes the answer now).
    NpsInvitation.objects.filter(pk=invitation.pk).update(expires_at=sent + timedelta(days=14),
                                                          opened_at=moment - timedelta(minutes=4))
    _follow_up(response, follows, moment, emre)


def _answer(invitation, score, comment, reasons):
    from .services.nps import answer

    return answer(invitation=invitation, score=score, comment=comment, reasons=reasons)


def _follow_up(response, follows, moment, emre) -> None:
    """A detractor's survey ticket worked on the desk (contacted: answered; resolved: answered and resolved; open:
    left new, its SLA clocks from its back-dated opening), or the promoter's story written and published."""
    from support import services as desk
    from support.models import Ticket
    from support.services import clocks

    from .models import DetractorLoop, Story

    if follows in ("open", "contacted", "resolved"):
        loop = DetractorLoop.objects.select_related("ticket").filter(response=response).first()
        if loop is None or loop.ticket is None:
            return
        ticket = loop.ticket
        if follows == "open" or emre is None:
            clocks.recompute_due(ticket=Ticket.objects.get(pk=ticket.pk))
            return
        _dated(moment + timedelta(hours=3), lambda: desk.staff_reply(
            actor=emre, ticket=Ticket.objects.get(pk=ticket.pk), then=None,
            body="Thank you for telling us. We checked both shipments: the carrier's hub in Ankara was overloaded. "
                 "Your sales agent will call you today about the next deliveries."))
        if follows == "resolved":
            _dated(moment + timedelta(days=1), lambda: desk.staff_reply(
                actor=emre, ticket=Ticket.objects.get(pk=ticket.pk), then="resolved",
                body="As agreed on the phone: your prices stay as they are until the end of the quarter, and price "
                     "changes are announced a month ahead in the portal."))
        return
    if follows == "story":
        story = Story.objects.filter(response=response).first()
        if story is not None:
            _publish_story(story, response, moment)


def _publish_story(story, response, moment) -> None:
    """The promoter writes its story (Turkish), staff edit the published text, the owner consents to exactly that
    text, staff publish it on the home page."""
    from dealers.models import User
    from portal.actors import Actor

    from .services import stories
    from .services.stories import consented_text

    owner = response.invitation.user
    staff = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if owner is None or staff is None:
        return
    actor = Actor(user=owner, dealer=response.dealer)
    story = _dated(moment + timedelta(hours=5), lambda: stories.write_story(
        actor=actor, story=story, title=STORY["title"], body=STORY["body"]))
    story = _dated(moment + timedelta(days=1), lambda: stories.edit_story(
        actor=staff, story=story, title=STORY["edited_title"], body=STORY["edited_body"]))
    story = _dated(moment + timedelta(days=2), lambda: stories.consent_to_story(
        actor=actor, story=story, text=consented_text(story)))
    _dated(moment + timedelta(days=2, hours=2), lambda: stories.publish_story(actor=staff, story=story))


# --- reviews -----------------------------------------------------------------------------------------------------------

# Extra delivered orders: (dealer code, idempotency key, root categories of their products, days ago delivered).
ORDERS = [("KAYA36", "feedback-demo-1", ("Aydınlatma", "Elektrik", "Tesisat"), 40),
          ("ANKR34", "feedback-demo-2", ("Aydınlatma", "Bağlantı Elemanları"), 33)]
# Products: "S0", "S1" are the shipping demo's delivered ones; "Aydınlatma" etc. the extra orders' first product of
# that family. (dealer, role, product, stars, title, body, show company, outcome, days ago submitted)
REVIEWS = [
    ("KAYA36", "owner", "S0", 5, "Sorunsuz, hızlı teslim",
     "Üç aydır mağazada satıyoruz; iade gelmedi, müşteriler memnun.", False, "reply", 30),
    ("KAYA36", "owner", "Aydınlatma", 4, "Bright, even light",
     "We fitted forty in an office refit. Even light and no flicker; the clips are a little fiddly.", False,
     "photo", 25),
    ("KAYA36", "owner", "Elektrik", 2, "İki tanesi arızalı çıktı",
     "On adetten ikisi ilk hafta arızalandı. Değişim hızlı yapıldı ama kalite kontrol daha iyi olmalı.", False,
     "reply", 22),
    ("KAYA36", "buyer", "S1", 4, "Good value",
     "Does what it says; the packaging could be sturdier for cargo.", False, "publish", 20),
    ("KAYA36", "buyer", "Tesisat", 3, "Average",
     "Works, but the threads needed sealing tape on every joint.", False, "pending", 2),
    ("KAYA36", "approver", "Aydınlatma", 5, "Best panel, call me for a discount",
     "Best panel we sold. Call 0532 000 00 00 for our price list!", False, "reject", 12),
    ("ANKR34", "owner", "S0", 4, "Şantiyede güvenilir",
     "Ankara'daki iki şantiyede kullandık, montajı kolay.", True, "publish", 28),
    ("ANKR34", "owner", "Aydınlatma", 5, "Our customers ask for it again",
     "Sold two hundred of these this season; not one came back.", False, "publish", 18),
    ("ANKR34", "owner", "Bağlantı Elemanları", 4, "Sağlam dübel",
     "Beton duvarda sorunsuz tutuyor; kutu içeriği tam.", False, "rewarded", 10),
]
REPLIES = {
    "Sorunsuz, hızlı teslim": "Teşekkürler! Yeni sezon stoklarımız da hazır.",
    "İki tanesi arızalı çıktı": "Yaşadığınız sorun için özür dileriz. Arızalı ürünleri üreticiye inceletiyoruz; "
                                "bu partide kalite kontrolü sıkılaştırıldı.",
}
REJECTION = "Does not follow our review rules: it contains a phone number and an advertisement."


def _root(name):
    from catalog.models import Category

    return Category.objects.filter(parent__isnull=True, name=name).first()


def _delivered_orders(staff) -> None:
    """Two more orders delivered weeks ago (ORDERS), through orders' and shipping's services, then dated like the
    shipping demo dates its own (its helpers). Keyed by the order's idempotency key."""
    from catalog.models import Product
    from dealers.models import Dealer, Role
    from orders.models import Order
    from orders.services import ordering, set_status
    from portal.actors import Actor
    from portal.errors import DomainError
    from shipping.models import Carrier
    from shipping.services import create_shipment, move_shipment

    now = timezone.now()
    for code, key, families, days in ORDERS:
        dealer = Dealer.objects.filter(code=code, status=Dealer.Status.APPROVED).first()
        owner = dealer and dealer.users.filter(role=Role.OWNER, is_active=True).order_by("pk").first()
        if owner is None or Order.objects.filter(dealer=dealer, idempotency_key=key).exists():
            continue
        products = []
        for name in families:
            root = _root(name)
            product = root and Product.objects.filter(
                active=True, stock_quantity__gt=100, min_order_quantity__lte=1, hazardous=False,
                category__path__startswith=f"{root.pk}/").order_by("sku").first()
            if product is not None:
                products.append(product)
        if not products:
            continue
        try:
            with transaction.atomic():
                order = ordering.place_order(actor=Actor(user=owner, dealer=dealer), idempotency_key=key,
                                             lines=[(p, _fit(p, Decimal(3))) for p in products],
                                             checkout=ordering.Checkout(po_number=f"PO-{key.upper()}"))
                order = set_status(actor=staff, order=order, status="confirmed")
                carrier = Carrier.objects.filter(code="yurtici").first()
                shipment = create_shipment(actor=staff, order=order, lines={line.pk: line.quantity
                                                                            for line in order.lines.all()},
                                           parcels=[(f"FB{order.number[-6:]}1", Decimal("6.5"))], carrier=carrier,
                                           note="Demo")
                for to in ("shipped", "in_transit", "out_for_delivery", "delivered"):
                    shipment = move_shipment(actor=staff, shipment=shipment, to=to)
                delivered = now - timedelta(days=days)
                times = [("preparing", delivered - timedelta(days=3)), ("shipped", delivered - timedelta(days=2)),
                         ("in_transit", delivered - timedelta(days=1)),
                         ("out_for_delivery", delivered - timedelta(hours=5)), ("delivered", delivered)]
                _backdate(shipment, order, times, placed=delivered - timedelta(days=4))
        except DomainError as exc:  # e.g. over the credit limit: left out, the reviews of it too
            log.warning("Demo feedback: the order %s of %s left out: %s", key, dealer, exc.message)


def _fit(product, quantity):
    """A quantity that obeys the product's minimum and multiples."""
    multiple = product.order_multiple or Decimal(1)
    steps = (quantity / multiple).to_integral_value(rounding="ROUND_CEILING")
    return max(steps * multiple, product.min_order_quantity)


def _backdate(shipment, order, times, *, placed) -> None:
    """The order was placed, and its shipment moved, weeks ago (the services wrote the present): the shipment's
    history rows, its times and its waybill's, and the order's placing and history take the plan's moments."""
    from orders.models import Order
    from shipping.models import Shipment, ShipmentStatusChange

    moments = dict(times)
    for row in ShipmentStatusChange.objects.filter(shipment=shipment):
        if row.to_status in moments:
            ShipmentStatusChange.objects.filter(pk=row.pk).update(created_at=moments[row.to_status])
    Shipment.objects.filter(pk=shipment.pk).update(created_at=moments["preparing"], shipped_at=moments["shipped"],
                                                   delivered_at=moments["delivered"])
    Shipment.objects.filter(pk=shipment.pk, waybill_number__isnull=False).update(waybill_issued_at=moments["shipped"])
    Order.objects.filter(pk=order.pk).update(created_at=placed)
    order.history.all().update(created_at=placed)


def _product(dealer, which):
    """The shipping demo's delivered product S0/S1, or the first product of a family in the dealer's delivered
    demo orders."""
    from shipping.models import ShipmentLine

    lines = (ShipmentLine.objects.filter(shipment__dealer=dealer, shipment__status="delivered")
             .select_related("order_line__product__category").order_by("shipment__delivered_at", "pk"))
    if which in ("S0", "S1"):
        shipping_demo = [line.order_line.product for line in lines if line.shipment.order.idempotency_key
                         == "ship-demo-1"]
        index = int(which[1])
        return shipping_demo[index] if len(shipping_demo) > index else None
    root = _root(which)
    for line in lines:
        product = line.order_line.product
        if root is not None and (product.category.path or "").startswith(f"{root.pk}/") \
                and line.shipment.order.idempotency_key.startswith("feedback-demo"):
            return product
    return None


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 420), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle([120, 80, 520, 340], fill=(255, 255, 250), outline=(180, 186, 194), width=8)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile("panel-in-the-office.jpg", buffer.getvalue(), content_type="image/jpeg")


def _reviews() -> None:
    from dealers.models import Dealer, User
    from portal.actors import Actor
    from portal.errors import DomainError

    from .models import Review
    from .services import reviews
    from .services.survey import settings as survey_settings

    staff = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if staff is None:
        return
    _delivered_orders(staff)
    config = survey_settings()
    now = timezone.now()
    made = {}
    for code, role, which, stars, title, body, show_company, outcome, days in REVIEWS:
        dealer = Dealer.objects.filter(code=code, status=Dealer.Status.APPROVED).first()
        user = dealer and dealer.users.filter(role=role, is_active=True).order_by("pk").first()
        product = user and _product(dealer, which)
        if product is None:
            continue
        existing = Review.objects.filter(product=product, user=user).first()
        if existing is not None:
            made[title] = existing
            continue
        actor = Actor(user=user, dealer=dealer)
        try:
            with transaction.atomic():
                if outcome == "rewarded" and not config.reward_percent:
                    # The demo's survey settings offer a small reward from here on: this review is the one rewarded.
                    config.reward_percent, config.reward_days = Decimal("2.00"), 30
                    config.save(update_fields=["reward_percent", "reward_days"])
                review = reviews.submit_review(actor=actor, product=product, stars=stars, title=title, body=body,
                                               photos=[_photo()] if outcome == "photo" else (),
                                               show_company=show_company)
                if outcome in ("reply", "photo", "publish", "rewarded"):
                    reviews.approve(actor=staff, review=review)
                if outcome == "reject":
                    reviews.reject(actor=staff, review=review, reason=REJECTION)
                if outcome == "reply":
                    reviews.reply(actor=staff, review=review, body=REPLIES[title])
                # Dated in the past (the services stamp the present): submitted, moderated a day later.
                submitted = now - timedelta(days=days)
                moderated = submitted + timedelta(days=1) if outcome != "pending" else None
                Review.objects.filter(pk=review.pk).update(
                    submitted_at=submitted, moderated_at=moderated,
                    published_at=moderated if outcome not in ("pending", "reject") else None,
                    replied_at=submitted + timedelta(days=2) if outcome == "reply" else None)
                review.history.update(created_at=moderated or submitted)
        except DomainError as exc:  # a review that cannot be made is left out; the others still load
            log.warning("Demo feedback: the review %s left out: %s", title, exc.message)
            continue
        made[title] = review
    _votes(made)


def _votes(made) -> None:
    """Helpful votes of other dealers' users on the published reviews (one per user; never one's own)."""
    from dealers.models import User
    from portal.actors import Actor

    from .models import ReviewStatus
    from .services import reviews

    voters = [User.objects.filter(email=email, is_active=True).first() for email in (
        "owner@ankr34.example.com", "buyer@kaya36.example.com", "approver@kaya36.example.com",
        "owner@cfav47.example.com")]
    for review in made.values():
        review.refresh_from_db()
        if review.status != ReviewStatus.PUBLISHED:
            continue
        for voter in voters[: 1 + review.stars % 4]:
            if voter is None or voter.pk == review.user_id or voter.dealer_id == review.dealer_id:
                continue
            if not review.votes.filter(user=voter).exists():
                reviews.vote_helpful(actor=Actor(user=voter, dealer=voter.dealer), review=review)
