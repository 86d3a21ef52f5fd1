"""The dealer's support pages (issue 15 §1): my tickets, a new ticket prefilled by "Report a problem", the
conversation without internal notes, replying and closing, files served only to who may see the ticket; another
dealer's ticket is a 404 on every page and file."""
import pytest
from django.urls import reverse

from portal.testing import actor_of
from support.models import Attachment, Ticket
from support.services import add_note, staff_reply
from support.testing import file_upload, open_as, png_upload, shipped

pytestmark = pytest.mark.django_db


def test_my_tickets_page_lists_mine_by_status_with_new_ticket_and_the_faq(signed_in, actor, other_owner):
    mine = open_as(actor, subject="Flicker")
    theirs = open_as(actor_of(other_owner), subject="Theirs")
    html = signed_in.get(reverse("support:tickets")).content.decode()
    assert mine.number in html and theirs.number not in html and "New" in html and ">new<" not in html
    assert f'href="{reverse("support:new")}"' in html and f'href="{reverse("support:faq")}"' in html
    assert mine.number not in signed_in.get(reverse("support:tickets"), {"status": "closed"}).content.decode()
    assert 'class="nav-support"' in html


def test_report_a_problem_on_an_order_line_prefills_the_new_ticket_and_opens_it(signed_in, actor, addresses, panel,
                                                                                staff):
    shipment = shipped(actor, panel, staff, status="in_transit")
    order = shipment.order
    line = order.lines.get()
    order_page = signed_in.get(reverse("orders:order", args=[order.number])).content.decode()
    link = f'{reverse("support:new")}?order={order.number}&amp;line={line.pk}'
    assert link in order_page
    shipment_page = signed_in.get(reverse("shipping:shipment", args=[shipment.number])).content.decode()
    assert f'{reverse("support:new")}?shipment={shipment.number}"' in shipment_page
    # Each line of the shipment (its waybill's lines) has its own link, naming the order, the line and the shipment.
    assert (f'{reverse("support:new")}?order={order.number}&amp;line={line.pk}&amp;shipment={shipment.number}'
            in shipment_page)
    form = signed_in.get(reverse("support:new"), {"order": order.number, "line": line.pk}).content.decode()
    assert f'value="{order.number}"' in form and "LED-600" in form and 'id="faq-suggestions"' in form
    answer = signed_in.post(reverse("support:new"), {
        "category": "order", "subject": "Broken panel", "urgency": "high", "body": "One arrived cracked.",
        "order": order.number, "line": line.pk, "attachments": [png_upload()]})
    ticket = Ticket.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("support:ticket", args=[ticket.number])
    assert ticket.order_line == line and ticket.messages.get().attachments.count() == 1


def test_another_dealers_order_in_the_link_is_not_shown_and_refused(signed_in, actor, other_owner, addresses, panel,
                                                                    staff):
    from orders.testing import with_addresses
    from shipping.testing import confirmed_order

    with_addresses(other_owner.dealer)
    theirs = confirmed_order(actor_of(other_owner), panel, 1, staff=staff)
    form = signed_in.get(reverse("support:new"), {"order": theirs.number}).content.decode()
    assert f'value="{theirs.number}"' not in form and 'id="ticket-links"' not in form
    answer = signed_in.post(reverse("support:new"), {"category": "order", "subject": "x", "urgency": "normal",
                                                     "body": "y", "order": theirs.number})
    assert answer.status_code == 200 and "There is no order" in answer.content.decode()
    assert not Ticket.objects.exists()


def test_an_svg_upload_is_refused_on_the_form(signed_in):
    answer = signed_in.post(reverse("support:new"), {
        "category": "other", "subject": "Logo", "urgency": "low", "body": "See file",
        "attachments": [file_upload("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>")]})
    assert answer.status_code == 200 and "SVG" in answer.content.decode() and not Ticket.objects.exists()


def test_the_ticket_page_shows_replies_never_notes_and_takes_a_reply_and_close(signed_in, actor, staff):
    ticket = open_as(actor)
    add_note(actor=staff, ticket=ticket, body="SECRET-NOTE slow payer")
    staff_reply(actor=staff, ticket=ticket, body="Which panel?", then="waiting_on_dealer")
    page = signed_in.get(reverse("support:ticket", args=[ticket.number])).content.decode()
    assert "Which panel?" in page and "SECRET-NOTE" not in page and "Waiting on you" in page
    answer = signed_in.post(reverse("support:ticket", args=[ticket.number]), {"body": "The left one."})
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "open"
    signed_in.post(reverse("support:close", args=[ticket.number]))
    ticket.refresh_from_db()
    assert ticket.status == "closed"


def test_files_are_served_to_who_sees_the_ticket_and_another_dealers_ticket_is_a_404(
        client, actor, owner, viewer, other_owner, staff):
    ticket = open_as(actor, attachments=[png_upload("crate.png")])
    note = add_note(actor=staff, ticket=ticket, body="internal", attachments=[png_upload("internal.png")])
    mine = Attachment.objects.get(message__kind="reply")
    hidden = Attachment.objects.get(message=note)
    client.force_login(owner)
    answer = client.get(reverse("support:attachment", args=[mine.pk]))
    assert answer.status_code == 200 and answer["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("support:attachment", args=[hidden.pk])).status_code == 404
    for user in (other_owner, viewer):
        client.force_login(user)
        for url in (reverse("support:ticket", args=[ticket.number]), reverse("support:attachment", args=[mine.pk])):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("support:close", args=[ticket.number])).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_report_a_problem_links_that_do_not_belong_together_drop_the_odd_one_instead_of_failing(
        signed_in, actor, addresses, panel, staff):
    from shipping.testing import confirmed_order

    first = confirmed_order(actor, panel, 1, staff=staff)
    second = confirmed_order(actor, panel, 1, staff=staff)
    line = second.lines.get()
    answer = signed_in.get(reverse("support:new"), {"order": first.number, "line": line.pk})
    assert answer.status_code == 200
    assert f'value="{first.number}"' in answer.content.decode()
