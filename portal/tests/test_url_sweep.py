"""Isolation and roles, swept from the URL configuration: every URL that takes an id, a number or a key.

Each such URL name has one entry in RULES: how to make the object its parameters name (for dealer A) and who may
see it. The sweep asks for it as every one who may not (the owner of another dealer, each role of dealer A without
the right, a sales agent not assigned to dealer A): each gets 403 or 404, never the object. Then one who may see
it asks and must not get 403/404 (so the object and the URL really match and the refusals above mean something).
A view that takes no GET is asked with an empty POST, which must change nothing for those refused.

A new URL with a parameter and no entry in RULES fails `test_every_url_with_a_parameter_has_a_rule`, naming it.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from catalog.testing import CategoryFactory
from dealers.models import Role
from dealers.testing import AddressFactory, AgentFactory, DealerFactory, DealerUserFactory, StaffFactory
from orders.models import Order, OrderStatus
from orders.services import ordering
from orders.testing import CartFactory, CartLineFactory, SavedListFactory, SavedListLineFactory
from payments.testing import InvoiceFactory, PaymentFactory
from portal.actors import Actor
from pricing.services import quote_drafts, quotes
from pricing.testing import CatalogProductFactory, PriceListFactory, PriceListItemFactory, QuoteFactory

pytestmark = pytest.mark.django_db

# Who is swept: "other" is the owner of another dealer, "agent" a sales agent assigned to no dealer. The roles of
# dealer A are its users; "assigned" is a sales agent acting for dealer A; "staff" an admin.
SWEPT = ["other", "agent", *[role.value for role in Role]]
DENIED = {403, 404}
# Pages send who may not be there elsewhere: to sign in (the admin's pages), or an agent acting for nobody to the
# list of their dealers. Neither shows the object.
REDIRECTS_AWAY = ("/accounts/login/", "/admin/login/", "/agents/dealers/")
# A made-up key of a link mailed to one person (an invitation) is a bad link: 400.
BAD_LINK = 400
# Namespaces left out, with the reason: the admin checks staff and model permissions itself (and has its own
# tests); allauth's keys are secrets mailed to one person, not objects.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"account_confirm_email", "account_reset_password_from_key"}

PAY = {"owner", "finance", "assigned"}
CART = {"owner", "buyer", "approver", "assigned"}
ACCOUNT = {"owner"}
ADDRESSES = {"owner", "assigned"}
ORDERS = {"owner", "buyer", "approver", "finance", "viewer", "assigned"}
EVERY_BROWSER = {*SWEPT, "assigned", "staff"}  # the catalog is shared: only a made-up key is swept
STAFF = {"staff"}
REPORT_DELIVERY = {"owner", "buyer", "approver", "assigned"}  # who may order confirms a delivery; never viewers


@dataclass
class Rule:
    make: object          # world -> the URL's kwargs
    allowed: set = field(default_factory=set)
    shared: bool = False  # one object for every dealer (catalog): a made-up key answers 404 to all


def _order(w):
    return ordering.place_order(actor=Actor(user=w.owner, dealer=w.dealer), lines=[(w.product, 1)],
                                checkout=ordering.Checkout())


def _quote_revision(w):
    quote = quotes.request_quote(actor=Actor(user=w.owner, dealer=w.dealer), lines=[(w.product, 2)])
    quote_drafts.update_quote(actor=w.assigned, quote=quote,
                              header={"valid_until": timezone.localdate() + datetime.timedelta(days=10)})
    quote_drafts.send_quote(actor=w.assigned, quote=quote)
    return {"number": quote.number, "revision": 1}


def _list_line(w):
    line = SavedListLineFactory(saved_list=SavedListFactory(dealer=w.dealer), product=w.product)
    return {"pk": line.saved_list_id, "line_pk": line.pk}


def _cart_line(w):
    return {"pk": CartLineFactory(cart=CartFactory(dealer=w.dealer, user=w.owner), product=w.product).pk}


def _delivered_order_line(w):
    order = _order(w)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)  # only delivered goods can be returned
    return {"number": order.number, "line_pk": order.lines.first().pk}


def _shipment_on_its_way(w):
    """A shipment of dealer A that has left (shipped): its page, events and delivery report (issue 14 section 5)."""
    from orders.services import set_status
    from shipping.services import create_shipment, move_shipment
    from shipping.testing import CarrierFactory

    staff = w.users["staff"]
    order = set_status(actor=staff, order=_order(w), status=OrderStatus.CONFIRMED)
    shipment = create_shipment(actor=staff, order=order, lines={order.lines.get().pk: 1},
                               parcels=[("SWEEP-ON-WAY", "1")], carrier=CarrierFactory())
    return move_shipment(actor=staff, shipment=shipment, to="shipped")


def _delivery_photo(w):
    """A photo of dealer A's delivery report (received with problems)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.testing import png_bytes
    from shipping.services import report_delivery

    shipment = _shipment_on_its_way(w)
    report = report_delivery(actor=Actor(user=w.owner, dealer=w.dealer), shipment=shipment, outcome="problems",
                             note="Crushed", problems=[{"line": shipment.lines.get().pk, "kind": "damaged",
                                                        "quantity": "1"}],
                             photos=[SimpleUploadedFile("crushed.png", png_bytes((20, 20)))])
    return {"pk": report.photos.get().pk}


shipment_on_its_way = lambda w: {"number": _shipment_on_its_way(w).number}  # noqa: E731


def _shipment_number(w):
    """A shipment (being prepared) of a confirmed order of dealer A."""
    from orders.services import set_status
    from shipping.services import create_shipment
    from shipping.testing import CarrierFactory

    order = set_status(actor=w.users["staff"], order=_order(w), status=OrderStatus.CONFIRMED)
    shipment = create_shipment(actor=w.users["staff"], order=order, lines={order.lines.get().pk: 1},
                               parcels=[("SWEEP1", "1")], carrier=CarrierFactory())
    return {"number": shipment.number}


number_of = {
    "order": lambda w: {"number": _order(w).number},
    "invoice": lambda w: {"number": InvoiceFactory(dealer=w.dealer).number},
    "quote": lambda w: {"number": QuoteFactory(dealer=w.dealer).number},
}
list_pk = lambda w: {"pk": SavedListFactory(dealer=w.dealer).pk}  # noqa: E731
made_up = lambda **kwargs: (lambda w: kwargs)  # noqa: E731


def _owners_ticket(w, **fields):
    """A ticket of dealer A opened by its owner about an order (not an invoice: finance users do not see it)."""
    from support.testing import open_as

    return open_as(Actor(user=w.owner, dealer=w.dealer), category="order", **fields)


def _ticket_file(w):
    from support.testing import png_upload

    return {"pk": _owners_ticket(w, attachments=[png_upload()]).messages.get().attachments.get().pk}


def _rate_token(w):
    from support.services import rate_token

    return rate_token(_owners_ticket(w), w.owner)


def _owners_chat(w):
    """A live chat of dealer A's owner (its ticket opened by the owner)."""
    from support.models import ChatSession

    ticket = _owners_ticket(w)
    ChatSession.objects.create(ticket=ticket, user=w.owner)
    return {"number": ticket.number}


TICKET_READERS = {"owner", "assigned", "staff"}  # the owner sees every ticket; staff here is a superuser


def _draft_article():
    from support.testing import ArticleFactory

    return ArticleFactory(status="draft").slug

def _held_mail(w):
    """A stranger's mail to support, held in quarantine (support.services.mail_intake)."""
    import uuid

    from support.services import mail_intake

    raw = (b"From: stranger@elsewhere.example\r\nTo: support@portal.example\r\nSubject: Hello\r\n"
           b"Message-ID: <sweep-%s@elsewhere.example>\r\n\r\nWho reads this?\r\n" % uuid.uuid4().hex.encode())
    return mail_intake.take(raw, mailbox="INBOX", uidvalidity=None, uid=None).pk


def _owners_review(w, *, photo=False):
    """A pending review of dealer A's owner (written straight into the table: the sweep is about who sees it)."""
    from django.utils import timezone as tz

    from feedback.models import Review, ReviewPhoto

    review = Review.objects.create(product=w.product, user=w.owner, dealer=w.dealer, stars=4, title="Sweep",
                                   body="Swept.", submitted_at=tz.now())
    if photo:
        from support.testing import png_upload

        upload = png_upload()
        return ReviewPhoto.objects.create(review=review, file=upload, content_type="image/png", size=upload.size)
    return review


def _dealers_story(w):
    """A success story of dealer A, invited (written straight into the table: the sweep is about who sees it)."""
    from feedback.models import Story

    return Story.objects.create(dealer=w.dealer, language="en")


def _dealers_loop(w):
    """A detractor follow-up of dealer A's answer (straight into the tables)."""
    from feedback.models import DetractorLoop
    from feedback.testing import NpsResponseFactory

    return DetractorLoop.objects.create(response=NpsResponseFactory(invitation__dealer=w.dealer, score=2))


RULES = {
    # --- REST API ---
    "api:me-invoice": Rule(number_of["invoice"], PAY),
    "api:payment-allocations": Rule(lambda w: {"number": PaymentFactory(dealer=w.dealer).number}, STAFF),
    "api:me-order": Rule(number_of["order"], ORDERS),
    "api:me-order-returns": Rule(number_of["order"], ORDERS),
    "api:me-order-approve": Rule(number_of["order"], ORDERS),
    "api:me-order-reject": Rule(number_of["order"], ORDERS),
    "api:me-order-cancel": Rule(number_of["order"], ORDERS),
    "api:me-order-change": Rule(number_of["order"], ORDERS),
    "api:me-cart-line": Rule(_cart_line, {"owner"}),
    "api:me-list-line": Rule(_list_line, CART),
    "api:me-quote": Rule(number_of["quote"], CART),
    "api:me-quote-accept": Rule(number_of["quote"], CART),
    "api:me-quote-reject": Rule(number_of["quote"], CART),
    "api:dealers-detail": Rule(lambda w: {"pk": w.dealer.pk}, STAFF),
    "api:dealers-approve": Rule(lambda w: {"pk": DealerFactory(status="applied").pk}, STAFF),
    "api:dealers-reject": Rule(lambda w: {"pk": DealerFactory(status="applied").pk}, STAFF),
    "api:me-addresses-detail": Rule(lambda w: {"pk": AddressFactory(dealer=w.dealer).pk}, ORDERS),
    "api:me-users-detail": Rule(lambda w: {"pk": w.users["viewer"].pk}, ACCOUNT),
    "api:me-lists-detail": Rule(list_pk, CART),
    "api:me-lists-add-lines": Rule(list_pk, CART),
    "api:me-lists-to-cart": Rule(list_pk, CART),
    "api:product": Rule(made_up(sku="NO-SUCH-SKU"), shared=True),
    "api:shipment-parcels": Rule(_shipment_number, STAFF),
    "api:shipment-events": Rule(_shipment_number, STAFF),
    "api:me-shipment": Rule(shipment_on_its_way, ORDERS),
    "api:me-shipment-events": Rule(shipment_on_its_way, ORDERS),
    "api:me-shipment-delivery": Rule(shipment_on_its_way, REPORT_DELIVERY),
    "api:me-shipment-waybill": Rule(shipment_on_its_way, ORDERS),
    "api:shipment-despatch-advice": Rule(shipment_on_its_way, STAFF),
    # --- pages ---
    "document_download": Rule(made_up(token="made-up-token"), shared=True),
    "dealers:document": Rule(made_up(token="made-up-token"), shared=True),
    "dealers:address_edit": Rule(lambda w: {"pk": AddressFactory(dealer=w.dealer).pk}, ADDRESSES),
    "dealers:address_delete": Rule(lambda w: {"pk": AddressFactory(dealer=w.dealer).pk}, ADDRESSES),
    "dealers:user_edit": Rule(lambda w: {"pk": w.users["viewer"].pk}, ACCOUNT),
    "dealers:invitation": Rule(made_up(uidb64="MQ", token="made-up-token"), shared=True),
    "dealers:act_for": Rule(lambda w: {"pk": w.dealer.pk}, {"assigned"}),
    None: Rule(made_up(path="products/no-such-file.jpg"), shared=True),  # product pictures, public
    "catalog_import:job": Rule(made_up(job_id="made-up-job"), STAFF, shared=True),
    "catalog_import:progress": Rule(made_up(job_id="made-up-job"), STAFF, shared=True),
    "catalog:category": Rule(made_up(slug="no-such-category"), shared=True),
    "catalog:product": Rule(made_up(sku="NO-SUCH-SKU"), shared=True),
    "catalog:check_quantity": Rule(made_up(sku="NO-SUCH-SKU"), shared=True),
    "catalog:document": Rule(made_up(pk=999999), shared=True),
    "quotes:detail": Rule(number_of["quote"], CART),
    "quotes:accept": Rule(number_of["quote"], CART),
    "quotes:reject": Rule(number_of["quote"], CART),
    "quotes:edit": Rule(number_of["quote"], {"assigned"}),
    "quotes:revision": Rule(_quote_revision, CART),
    "quotes:revision_pdf": Rule(_quote_revision, CART),
    "orders:cart_line": Rule(_cart_line, {"owner"}),
    "orders:cart_line_remove": Rule(_cart_line, {"owner"}),
    "orders:list_detail": Rule(list_pk, CART),
    "orders:list_rename": Rule(list_pk, CART),
    "orders:list_delete": Rule(list_pk, CART),
    "orders:list_add_lines": Rule(list_pk, CART),
    "orders:list_line": Rule(_list_line, CART),
    "orders:list_line_remove": Rule(_list_line, CART),
    "orders:list_to_cart": Rule(list_pk, CART),
    "orders:order": Rule(number_of["order"], ORDERS),
    "orders:order_approve": Rule(number_of["order"], ORDERS),
    "orders:order_reject": Rule(number_of["order"], ORDERS),
    "orders:order_cancel": Rule(number_of["order"], ORDERS),
    "orders:order_change": Rule(number_of["order"], ORDERS),
    "orders:order_again": Rule(number_of["order"], ORDERS),
    "orders:return_photo": Rule(made_up(token="made-up-token"), shared=True),
    "orders:order_return": Rule(_delivered_order_line, ORDERS),
    "payments:invoice": Rule(number_of["invoice"], PAY),
    "payments:invoice_pdf": Rule(number_of["invoice"], PAY),
    "payments:card_pay": Rule(number_of["order"], ORDERS),  # an order's number; the service says who may pay
    "payments:offline_card_page": Rule(made_up(reference="made-up-reference"), shared=True),
    "shipping:shipment": Rule(shipment_on_its_way, ORDERS),
    "shipping:delivery_report": Rule(shipment_on_its_way, REPORT_DELIVERY),
    "shipping:delivery_photo": Rule(_delivery_photo, ORDERS),
    "shipping:waybill": Rule(shipment_on_its_way, ORDERS),
    "shipping:despatch_xml": Rule(shipment_on_its_way, STAFF),
    "shipping:webhook": Rule(made_up(carrier="no-such-carrier"), shared=True),  # signed by a carrier, no session
    # FAQ: a draft article is for staff who edit the FAQ only (published ones are every signed-in user's).
    "support:faq_article": Rule(lambda w: {"slug": _draft_article()}, STAFF),
    "support:faq_vote": Rule(lambda w: {"slug": _draft_article()}, STAFF),
    "api:faq-article": Rule(lambda w: {"slug": _draft_article()}, STAFF),
    # The dealer's tickets API (H-API): as the pages; only the dealer's own users rate (never an agent for it).
    **{f"api:{name}": Rule(lambda w: {"number": _owners_ticket(w).number}, {"owner", "assigned"}) for name in (
        "me-ticket", "me-ticket-reply", "me-ticket-close")},
    "api:me-ticket-rate": Rule(lambda w: {"number": _owners_ticket(w).number}, {"owner"}),
    # The dealer's tickets (H-TICKETS): the owner's ticket; viewers, buyers and finance users see only their own.
    "support:ticket": Rule(lambda w: {"number": _owners_ticket(w).number}, TICKET_READERS),
    "support:close": Rule(lambda w: {"number": _owners_ticket(w).number}, TICKET_READERS),
    "support:attachment": Rule(_ticket_file, TICKET_READERS),
    # Satisfaction (H-METRICS): only the dealer's own users who see the ticket rate it (never an agent for it, nor
    # staff); the mailed link is signed for one ticket and leads to its rating page, a 404 for anyone else.
    "support:rate": Rule(lambda w: {"number": _owners_ticket(w).number}, {"owner"}),
    "support:rate_link": Rule(lambda w: {"token": _rate_token(w)}, {"owner"}),
    # The support desk (H-DESK): support agents and superusers only; a dealer's user or a sales agent gets a 404.
    **{f"support:{name}": Rule(lambda w: {"number": _owners_ticket(w).number}, STAFF) for name in (
        "desk_ticket", "desk_reply", "desk_note", "desk_assign", "desk_assign_me", "desk_priority", "desk_move",
        "desk_merge", "desk_canned", "desk_panel", "desk_call")},
    # Live chat (issue 16, H3): the chat's own dealer user and support agents (a superuser here); its colleagues,
    # another dealer and a sales agent acting for the dealer get a 404. The desk's chat actions: agents only.
    **{f"support:{name}": Rule(_owners_chat, {"owner", "staff"}) for name in (
        "chat_messages", "chat_send", "chat_end")},
    **{f"support:{name}": Rule(_owners_chat, STAFF) for name in (
        "desk_chat_accept", "desk_chat_handover", "desk_chat_end", "desk_chat_follow_up")},
    # The desk's quarantine (issue 16, H2): a stranger's mail held; its raw mail and actions are support agents' only.
    **{f"support:{name}": Rule(lambda w: {"pk": _held_mail(w)}, STAFF) for name in (
        "inbound_raw", "quarantine_release", "quarantine_contact", "quarantine_drop")},
    # Product reviews (issue 17, F3): a review is its author's to edit; a pending review's photo is its author's and
    # moderators' (a superuser here); moderation is staff's; the form and a product's reviews are the catalog's.
    "feedback:review_edit": Rule(lambda w: {"pk": _owners_review(w).pk}, {"owner"}),
    "api:me-review": Rule(lambda w: {"pk": _owners_review(w).pk}, {"owner"}),
    "feedback:review_photo": Rule(lambda w: {"pk": _owners_review(w, photo=True).pk}, {"owner", "staff"}),
    "feedback:moderate": Rule(lambda w: {"pk": _owners_review(w).pk, "action": "reply"}, STAFF),
    "feedback:review_new": Rule(made_up(product_id=2**31 - 1), shared=True),
    "api:product-reviews": Rule(made_up(product_id=2**31 - 1), shared=True),
    # Reviews on the catalog (issue 17, F4): a product's reviews section, its "Write a review" box and a published
    # review's "Helpful" are the catalog's (shared): a made-up product or review is a 404 to everyone.
    "feedback:product_reviews": Rule(made_up(product_id=2**31 - 1), shared=True),
    "feedback:review_action": Rule(made_up(product_id=2**31 - 1), shared=True),
    "feedback:review_helpful": Rule(made_up(pk=2**31 - 1), shared=True),
    # NPS (issue 17, F1): the invitation mail's link needs no login, its signed token is the credential (whoever
    # holds it answers, as with a mailed invitation); a made-up token is a 404 to everyone.
    "feedback:nps_answer": Rule(made_up(token="made-up-token"), shared=True),
    "api:nps-answer": Rule(made_up(token="made-up-token"), shared=True),
    # Stories and follow-ups (issue 17, F2): a story is its dealer's owner's; a follow-up is moved by staff holding
    # feedback.change_detractorloop (a superuser here), a 404 for anyone else.
    "feedback:story": Rule(lambda w: {"pk": _dealers_story(w).pk}, {"owner"}),
    "feedback:loop_move": Rule(lambda w: {"pk": _dealers_loop(w).pk}, STAFF),
}


def parameterised_urls():
    """(name, route) of every URL pattern taking a parameter, from the root URL configuration."""
    found = {}

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                if inner in SKIPPED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if "<" not in route:
                    continue
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                if name not in SKIPPED_NAMES:
                    found.setdefault(name, route)

    walk(get_resolver().url_patterns)
    return found


URLS = parameterised_urls()


def test_every_url_with_a_parameter_has_a_rule():
    missing = sorted(f"{name} ({route})" for name, route in URLS.items() if name not in RULES)
    assert not missing, f"URLs taking a parameter without a rule in RULES of {__name__}: {', '.join(missing)}"
    stale = sorted(str(name) for name in RULES if name not in URLS)
    assert not stale, f"Rules for URLs that no longer exist: {', '.join(stale)}"


class World:
    """Dealer A with a user in every role and an agent acting for it; dealer B's owner; an unassigned agent."""

    def __init__(self):
        self.dealer = DealerFactory()
        self.users = {role.value: DealerUserFactory(dealer=self.dealer, role=role) for role in Role}
        self.owner = self.users["owner"]
        AddressFactory(dealer=self.dealer, kind="shipping", is_default=True)
        AddressFactory(dealer=self.dealer, kind="billing", is_default=True)
        self.assigned = AgentFactory(dealers=[self.dealer])
        self.users["other"] = DealerUserFactory(dealer=DealerFactory(), role=Role.OWNER)
        self.users["agent"] = AgentFactory(dealers=[DealerFactory()])
        self.users["staff"] = StaffFactory()
        self.users["assigned"] = self.assigned
        category = CategoryFactory()
        self.product = CatalogProductFactory(category=category)
        PriceListItemFactory(price_list=PriceListFactory(kind="market"), product=self.product,
                             unit_price=Decimal("100.00"))

    def client(self, who) -> Client:
        client = Client()
        client.force_login(self.users[who])
        if who == "assigned":
            client.post(reverse("dealers:act_for", kwargs={"pk": self.dealer.pk}))
        return client


def ask(client, url):
    """GET (following the page's redirects), or for a view that takes no GET an empty POST, PATCH or DELETE (the
    first it takes)."""
    response = client.get(url, follow=True)
    if response.status_code != 405:
        return response
    for method in ("post", "patch", "delete"):
        response = getattr(client, method)(url, **({"content_type": "application/json"} if method == "patch" else {}))
        if response.status_code != 405:
            break
    return response


def refused(response) -> bool:
    if response.status_code in DENIED:
        return True
    hops = [location for location, _status in getattr(response, "redirect_chain", [])]
    if response.status_code == 302:
        hops.append(response["Location"])
    return any(hop.startswith(REDIRECTS_AWAY) for hop in hops)


@pytest.mark.parametrize("name", sorted(URLS, key=str), ids=str)
def test_a_url_shows_its_object_only_to_who_may_see_it(name):
    rule = RULES.get(name)
    assert rule is not None, f"URL {name} ({URLS[name]}) takes a parameter but has no rule in RULES of {__name__}"
    world = World()
    kwargs = rule.make(world)
    url = reverse(name, kwargs=kwargs) if name else "/media/" + kwargs["path"]
    if rule.shared:
        for who in ["owner", "other", "agent"]:
            response = ask(world.client(who), url)
            assert refused(response) or response.status_code == BAD_LINK, (
                f"{name}: a made-up {kwargs} answered {response.status_code} to {who}")
        return
    shown = {}
    for who in SWEPT:
        if who in rule.allowed:
            continue
        response = ask(world.client(who), url)
        if not refused(response):
            shown[who] = f"{response.status_code} {response.get('Location') or response.request['PATH_INFO']}"
    assert not shown, f"{name} {url}: who may not see it got {shown} (expected 403 or 404)"
    seer = sorted(rule.allowed)[0]
    response = ask(world.client(seer), url)
    assert not refused(response) and response.status_code < 500, (
        f"{name} {url}: {seer}, who may see it, got {response.status_code}")
