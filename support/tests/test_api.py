"""The dealer's tickets API (/api/v1/me/tickets/): opening with links and files, filters, the conversation without
internal notes, replies (a closed ticket's reply opens a follow-up), close, rate once, isolation and roles."""
import pytest
from django.urls import reverse

from portal.models import ApiToken
from portal.testing import actor_of
from support.models import Quarantine, Satisfaction, Ticket
from support.services import add_note, close_ticket, staff_reply
from support.testing import file_upload, open_as, pdf_upload

pytestmark = pytest.mark.django_db

LIST = reverse("api:me-tickets")


def url(name, ticket):
    return reverse(f"api:me-ticket{name}", args=[ticket.number if hasattr(ticket, "number") else ticket])


@pytest.fixture
def api(session_api_client, owner):
    return session_api_client(owner)


def test_a_dealer_opens_a_ticket_about_an_order_line_by_sku_with_a_pdf_and_reads_its_file(
        api, actor, addresses, panel, staff):
    from shipping.testing import confirmed_order

    order = confirmed_order(actor, panel, 3, staff=staff)
    line = order.lines.get()
    answer = api.post(LIST, {"subject": "Cracked panel", "body": "One arrived cracked.", "category": "order",
                             "urgency": "high", "order": order.number, "sku": line.sku.lower(),
                             "attachments": [pdf_upload("delivery-note.pdf")]}, format="multipart")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    ticket = Ticket.objects.get()
    assert body["number"] == ticket.number and ticket.number.startswith("TCK-")
    assert (body["order"], body["sku"], body["status"], body["urgency"], body["source"]) == (
        order.number, line.sku, "new", "high", "api")
    assert ticket.order_line == line
    [message] = body["messages"]
    assert message["body"] == "One arrived cracked." and not message["from_staff"]
    [attachment] = message["attachments"]
    assert attachment["filename"] == "delivery-note.pdf" and attachment["content_type"] == "application/pdf"
    file_url = reverse("support:attachment", args=[ticket.messages.get().attachments.get().pk])
    assert attachment["url"].endswith(file_url)
    download = api.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # JSON too, with a shipment's number; the page's link of the ticket is given.
    answer = api.post(LIST, {"subject": "Where is it?", "body": "Not here yet.", "category": "delivery"},
                      format="json")
    assert answer.status_code == 201 and answer.json()["url"].endswith(answer.json()["number"] + "/")


def test_an_svg_is_refused_with_its_code_and_nothing_is_opened(api):
    svg = file_upload("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    answer = api.post(LIST, {"subject": "Logo", "body": "See the file", "category": "other", "attachments": [svg]},
                      format="multipart")
    body = answer.json()
    assert answer.status_code == 400 and body["code"] == "support.bad_attachment"
    assert "SVG" in body["detail"] and "attachments" in body["fields"]
    assert not Ticket.objects.exists() and Quarantine.objects.get().filename == "logo.svg"


def test_links_that_are_not_the_dealers_and_bad_input_are_refused_with_codes(api, other_owner, addresses, panel,
                                                                               staff):
    from orders.testing import with_addresses
    from shipping.testing import confirmed_order

    with_addresses(other_owner.dealer)
    theirs = confirmed_order(actor_of(other_owner), panel, 1, staff=staff)
    answer = api.post(LIST, {"subject": "x", "body": "y", "category": "order", "order": theirs.number}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "support.bad_link"
    answer = api.post(LIST, {"subject": "x", "body": "y", "category": "order", "order": theirs.number,
                             "sku": theirs.lines.get().sku}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "support.bad_link"
    answer = api.post(LIST, {"subject": "x", "body": "y", "category": "gossip"}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "support.bad_ticket"
    assert not Ticket.objects.exists()


def test_the_list_filters_by_status_and_category_and_is_paginated(api, actor, staff):
    order_ticket = open_as(actor, category="order", subject="Order question")
    invoice_ticket = open_as(actor, category="invoice", subject="Invoice question")
    close_ticket(actor=actor, ticket=order_ticket)
    body = api.get(LIST).json()
    assert body["count"] == 2 and [row["number"] for row in body["results"]] == [invoice_ticket.number,
                                                                               order_ticket.number]
    assert [row["number"] for row in api.get(LIST, {"status": "closed"}).json()["results"]] == [order_ticket.number]
    assert [row["number"] for row in api.get(LIST, {"category": "invoice"}).json()["results"]] == [
        invoice_ticket.number]
    assert api.get(LIST, {"status": "new", "category": "order"}).json()["count"] == 0
    row = api.get(LIST, {"category": "invoice"}).json()["results"][0]
    assert row["status_label"] == "New" and row["category_label"] == "Invoice or payment"


def test_the_detail_never_carries_an_internal_note_or_its_file(api, actor, staff):
    from support.testing import png_upload

    ticket = open_as(actor)
    add_note(actor=staff, ticket=ticket, body="SECRET-NOTE slow payer", attachments=[png_upload("internal.png")])
    staff_reply(actor=staff, ticket=ticket, body="Which panel is it?", then="waiting_on_dealer")
    answer = api.get(url("", ticket))
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "SECRET-NOTE" not in text and "internal.png" not in text
    body = answer.json()
    assert [m["body"] for m in body["messages"]] == ["Two panels flicker after an hour.", "Which panel is it?"]
    assert body["messages"][1]["from_staff"] and body["status"] == "waiting_on_dealer"
    assert body["status_label"] == "Waiting on you" and body["can_reply"] and body["can_close"]
    # Neither the list nor a reply's answer shows it.
    assert "SECRET-NOTE" not in api.get(LIST).content.decode()
    assert "SECRET-NOTE" not in api.post(url("-reply", ticket), {"body": "The left one."},
                                         format="json").content.decode()


def test_a_reply_reopens_a_waiting_ticket_and_to_a_closed_one_opens_a_follow_up(api, actor, staff):
    ticket = open_as(actor)
    staff_reply(actor=staff, ticket=ticket, body="Which one?", then="waiting_on_dealer")
    answer = api.post(url("-reply", ticket), {"body": "The left one."}, format="json")
    assert answer.status_code == 200
    body = answer.json()
    assert body["follow_up"] is False and body["replied_to"] == ticket.number
    assert body["ticket"]["number"] == ticket.number and body["ticket"]["status"] == "open"
    assert body["ticket"]["messages"][-1]["body"] == "The left one."

    close_ticket(actor=actor, ticket=ticket)
    answer = api.post(url("-reply", ticket), {"body": "It flickers again."}, format="multipart")
    assert answer.status_code == 201
    body = answer.json()
    new = Ticket.objects.get(follows=ticket)
    assert body["follow_up"] is True and body["replied_to"] == ticket.number
    assert body["ticket"]["number"] == new.number != ticket.number and body["ticket"]["follows"] == ticket.number
    assert [m["body"] for m in body["ticket"]["messages"]] == ["It flickers again."]
    assert api.get(url("", ticket)).json()["follow_ups"] == [new.number]
    answer = api.post(url("-reply", new), {"body": "  "}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "support.bad_ticket"


def test_close_then_closing_again_is_a_conflict(api, actor):
    ticket = open_as(actor)
    answer = api.post(url("-close", ticket))
    assert answer.status_code == 200 and answer.json()["status"] == "closed" and not answer.json()["can_close"]
    answer = api.post(url("-close", ticket))
    assert answer.status_code == 409 and answer.json()["code"] == "support.not_closable"


def test_a_resolved_ticket_is_rated_once(api, actor, staff):
    ticket = open_as(actor)
    answer = api.post(url("-rate", ticket), {"rating": 5}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "support.not_rateable"
    staff_reply(actor=staff, ticket=ticket, body="Replaced.", then="resolved")
    assert api.get(url("", ticket)).json()["can_rate"] is True
    answer = api.post(url("-rate", ticket), {"rating": 7}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "support.rating_invalid"
    answer = api.post(url("-rate", ticket), {"rating": 4, "comment": "Quick, thanks."}, format="json")
    assert answer.status_code == 201
    body = answer.json()
    assert body["satisfaction"]["rating"] == 4 and body["satisfaction"]["comment"] == "Quick, thanks."
    assert body["can_rate"] is False
    answer = api.post(url("-rate", ticket), {"rating": 1}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "support.already_rated"
    assert api.get(url("", ticket)).json()["satisfaction"]["rating"] == 4


def test_another_dealers_ticket_is_a_404_everywhere_and_not_listed(session_api_client, actor, other_owner, staff):
    ticket = open_as(actor, subject="Mine only")
    staff_reply(actor=staff, ticket=ticket, body="Done.", then="resolved")
    theirs = session_api_client(other_owner)
    assert theirs.get(LIST).json()["count"] == 0
    assert theirs.get(url("", ticket)).status_code == 404
    for name, data in (("-reply", {"body": "hi"}), ("-close", {}), ("-rate", {"rating": 5})):
        answer = theirs.post(url(name, ticket), data, format="json")
        assert answer.status_code == 404, name
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.messages.count() == 2
    assert not Satisfaction.objects.exists()


def test_roles_see_their_own_tickets_finance_the_invoice_ones_and_a_token_works(
        token_client, session_api_client, actor, viewer, finance):
    owners = open_as(actor, subject="Owner's product question")
    invoice = open_as(actor, subject="Owner's invoice question", category="invoice")
    client = token_client(viewer, ApiToken.Scope.ACCOUNT)
    answer = client.post(LIST, {"subject": "Viewer's question", "body": "How?", "category": "other"}, format="json")
    assert answer.status_code == 201
    mine = answer.json()["number"]
    assert [row["number"] for row in client.get(LIST).json()["results"]] == [mine]
    assert client.get(url("", owners)).status_code == 404
    assert client.post(url("-close", owners)).status_code == 404
    books = session_api_client(finance)
    assert [row["number"] for row in books.get(LIST).json()["results"]] == [invoice.number]
    assert books.get(url("", invoice)).status_code == 200 and books.get(url("", owners)).status_code == 404
    # The owner sees all of the company's tickets.
    owner_client = session_api_client(actor.user)
    assert {row["number"] for row in owner_client.get(LIST).json()["results"]} == {owners.number, invoice.number, mine}


def test_an_agent_acting_for_the_dealer_replies_but_does_not_rate(client, agent, dealer, actor, staff):
    from rest_framework.test import APIClient

    ticket = open_as(actor)
    staff_reply(actor=staff, ticket=ticket, body="Fixed.", then="resolved")
    api = APIClient()
    api.force_login(agent)
    api.post(reverse("dealers:act_for", kwargs={"pk": dealer.pk}))
    assert api.get(url("", ticket)).status_code == 200
    answer = api.post(url("-rate", ticket), {"rating": 5}, format="json")
    assert answer.status_code == 403 and answer.json()["code"] == "support.rating_not_allowed"
    answer = api.post(url("-reply", ticket), {"body": "Calling the dealer tomorrow."}, format="json")
    assert answer.status_code == 200 and answer.json()["ticket"]["status"] == "open"
    assert answer.json()["ticket"]["messages"][-1]["on_behalf"] is True
