"""Quote pages: the dealer's list, request, detail with revisions, accept and reject; the staff work list and editor;
isolation (another dealer's quote is 404), roles, the admin, and pinned query counts."""
import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dealers.testing import AgentFactory, DealerUserFactory
from portal.models import AuditEntry
from pricing import services
from pricing.models import Quote
from pricing.services.quotes import QuoteLineInput

from .quote_fixtures import actor_of, send

pytestmark = pytest.mark.django_db


def page(response):
    return response.content.decode()


def url(name, quote, *args):
    return reverse(f"quotes:{name}", args=[quote.number, *args])


def act_for(client, agent, dealer):
    client.force_login(agent)
    client.post(reverse("dealers:act_for", args=[dealer.pk]))


# --- the dealer's pages -------------------------------------------------------------------------------------------

def test_dealer_lists_its_quotes_with_status_and_revision(client, owner, sent, other_owner, panel):
    foreign = services.request_quote(actor=actor_of(other_owner), lines=[(panel, 1)])
    client.force_login(owner)
    html = page(client.get(reverse("quotes:list")))
    assert sent.number in html and foreign.number not in html
    assert 'data-status="sent"' in html and 'class="num revision">1<' in html
    assert sent.number not in page(client.get(reverse("quotes:list"), {"status": "ordered"}))
    assert sent.number in page(client.get(reverse("quotes:list"), {"status": "open"}))
    assert sent.number in page(client.get(reverse("quotes:list"), {"q": panel.sku}))


def test_empty_list_invites_a_request(client, owner):
    client.force_login(owner)
    html = page(client.get(reverse("quotes:list")))
    assert 'id="quotes-empty"' in html and reverse("quotes:new") in html


def test_nav_shows_quotes_to_roles_with_cart_only(client, owner, viewer):
    client.force_login(owner)
    assert 'class="nav-quotes"' in page(client.get(reverse("dealers:dashboard")))
    client.force_login(viewer)
    assert 'class="nav-quotes"' not in page(client.get(reverse("dealers:dashboard")))


@pytest.mark.parametrize("role", ["viewer", "finance"])
def test_roles_without_cart_get_the_not_allowed_page(client, request, role, sent):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("quotes:list")).status_code == 403
    assert client.get(url("detail", sent)).status_code == 403


def test_another_dealers_quote_is_404_on_every_page(client, sent, other_owner, order_maker):
    client.force_login(other_owner)
    for name, args in (("detail", ()), ("accept", ()), ("reject", ()), ("revision", (1,)), ("revision_pdf", (1,))):
        assert client.get(url(name, sent, *args)).status_code == 404, name
    assert client.post(url("accept", sent), {"idempotency_key": "x"}).status_code == 404
    assert client.post(url("reject", sent), {"reason": "x"}).status_code == 404
    assert not order_maker.calls
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_dealer_requests_a_quote_by_pasting_skus(client, owner, panel, turkish):
    client.force_login(owner)
    assert 'id="quote-request-form"' in page(client.get(reverse("quotes:new"), {"lines": f"{panel.sku} 2"}))
    response = client.post(reverse("quotes:new"), {
        "lines": f"{panel.sku} 4\n{turkish.sku.lower()}\t20", "note": "Hotel project",
        "requested_delivery_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()})
    quote = Quote.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", quote)
    assert quote.request_note == "Hotel project" and quote.lines.count() == 2
    html = page(client.get(url("detail", quote)))
    assert 'id="quote-in-preparation"' in html and turkish.sku in html and "Hotel project" in html


def test_request_form_reports_unknown_skus_and_bad_quantities(client, owner, panel, turkish):
    client.force_login(owner)
    response = client.post(reverse("quotes:new"), {"lines": f"{panel.sku} 1\nNOPE-1 2"})
    assert response.status_code == 400 and "Unknown SKU: NOPE-1" in page(response)
    response = client.post(reverse("quotes:new"), {"lines": f"{turkish.sku} 7"})
    assert response.status_code == 400 and "minimum order quantity" in page(response)
    assert not Quote.objects.exists()


def test_detail_shows_the_sent_revision_with_pdf_link_and_the_decision_buttons(client, owner, sent, order_maker):
    client.force_login(owner)
    html = page(client.get(url("detail", sent)))
    assert 'id="latest-revision"' in html and "Revision 1" in html
    assert 'id="accept-quote"' in html and 'id="reject-quote"' in html
    assert 'id="quote-revisions"' in html and 'id="quote-history"' in html
    assert "pdf-pending" in html  # no worker ran: the PDF is being prepared
    response = client.get(url("revision_pdf", sent, 1))
    assert response.status_code == 302 and response["Location"] == url("detail", sent)


def test_earlier_revisions_stay_readable(client, owner, sent, agent, panel, chinese):
    send(agent, sent, lines=[QuoteLineInput(panel, 3, unit_price="77.70"), QuoteLineInput(chinese, 7)])
    client.force_login(owner)
    first = page(client.get(url("revision", sent, 1)))
    assert "This is an earlier revision" in first and "77.70" not in first and "100.00" in first
    assert "77.70" in page(client.get(url("revision", sent, 2)))
    html = page(client.get(url("detail", sent)))
    assert 'data-revision="1"' in html and 'data-revision="2"' in html


def test_owner_accepts_after_confirming_and_sees_the_order_number(client, owner, sent, order_maker):
    client.force_login(owner)
    confirm = client.get(url("accept", sent))
    key = confirm.context["form"].initial["idempotency_key"]
    assert 'id="confirm-accept"' in page(confirm)
    response = client.post(url("accept", sent), {"idempotency_key": key}, follow=True)
    assert "ORD-FAKE-0001" in page(response) and 'id="order-number"' in page(response)
    # A second click on the same confirmation page: the same order, no second one.
    response = client.post(url("accept", sent), {"idempotency_key": key}, follow=True)
    assert "ORD-FAKE-0001" in page(response) and len(order_maker.calls) == 1


def test_accepting_an_expired_quote_shows_why_and_orders_nothing(client, owner, sent, order_maker):
    client.force_login(owner)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=12), tick=False):
        html = page(client.get(url("detail", sent)))
        assert 'id="quote-expired"' in html and 'id="accept-quote"' not in html
        response = client.post(url("accept", sent), {"idempotency_key": "k"}, follow=True)
    assert "expired" in page(response) and not order_maker.calls


def test_viewer_cannot_open_the_decision_pages(client, viewer, sent, buyer):
    client.force_login(viewer)
    assert client.get(url("accept", sent)).status_code == 403
    assert client.post(url("reject", sent), {"reason": "x"}).status_code == 403
    client.force_login(buyer)
    assert client.get(url("accept", sent)).status_code == 200


def test_reject_needs_a_reason(client, owner, sent):
    client.force_login(owner)
    response = client.post(url("reject", sent), {"reason": ""})
    assert response.status_code == 400 and 'id="reject-form"' in page(response)
    response = client.post(url("reject", sent), {"reason": "Found it cheaper"}, follow=True)
    assert 'id="rejection-reason"' in page(response) and "Found it cheaper" in page(response)
    sent.refresh_from_db()
    assert sent.status == "rejected"


# --- staff --------------------------------------------------------------------------------------------------------

def editor_post(quote, action="save", header=None, lines=None, new=()):
    """The editor's form as a browser posts it."""
    quote.refresh_from_db()
    current = list(quote.lines.all())
    data = {"action": action, "lines-TOTAL_FORMS": len(current), "lines-INITIAL_FORMS": len(current),
            "new-TOTAL_FORMS": 3, "new-INITIAL_FORMS": 0}
    head = {"quote_date": "", "valid_until": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
            "delivery_date": "", "payment_method": "on_account", "delivery_method": "standard", "terms": "",
            "notes": "", **(header or {})}
    data.update({f"header-{k}": v for k, v in head.items()})
    for i, line in enumerate(current):
        values = {"product": line.product_id, "quantity": str(line.quantity), "unit_price": "", "discount": "",
                  **(lines or {}).get(line.product_id, {})}
        data.update({f"lines-{i}-{k}": v for k, v in values.items() if v is not None})
    for i, values in enumerate(new):
        data.update({f"new-{i}-{k}": v for k, v in values.items()})
    return data


def test_assigned_agent_edits_prices_and_sends_from_the_editor(client, agent, requested, panel, chinese, turkish):
    client.force_login(agent)
    html = page(client.get(url("edit", requested)))
    assert 'id="quote-editor"' in html and 'value="on_account"' in html
    response = client.post(url("edit", requested), editor_post(
        requested, action="send", header={"terms": "2 years warranty"},
        lines={panel.pk: {"unit_price": "88.00"}, chinese.pk: {"discount": "10"}},
        new=[{"sku": turkish.sku, "quantity": "20"}]))
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == "sent" and requested.revision == 1 and requested.terms == "2 years warranty"
    lines = {line["sku"]: line for line in requested.revisions.get().snapshot["lines"]}
    assert lines[panel.sku]["net_unit_price"] == "88.00" and lines[chinese.sku]["net_unit_price"] == "40.50"
    assert lines[turkish.sku]["quantity"] == "20"
    assert "sent to" in page(client.get(url("edit", requested)))


def test_editor_removes_lines_and_shows_service_errors(client, agent, requested, panel, chinese):
    client.force_login(agent)
    response = client.post(url("edit", requested), editor_post(requested, lines={panel.pk: {"discount": "120"}}))
    assert response.status_code == 400 and "between 0 and 100" in page(response)
    response = client.post(url("edit", requested), editor_post(requested, lines={chinese.pk: {"remove": "on"}}))
    assert response.status_code == 302 and list(requested.lines.values_list("product", flat=True)) == [panel.pk]
    response = client.post(url("edit", requested), editor_post(requested, new=[{"sku": "NOPE", "quantity": "1"}]))
    assert response.status_code == 400 and "Unknown SKU" in page(response)
    response = client.post(url("edit", requested), editor_post(
        requested, action="send", header={"valid_until": timezone.localdate().isoformat()}), follow=True)
    assert "Saved, but not sent" in page(response)


def test_only_staff_who_may_act_for_the_dealer_open_the_editor(client, requested, other_agent, owner, admin_user):
    for user in (other_agent, owner):
        client.force_login(user)
        assert client.get(url("edit", requested)).status_code == 404
        assert client.post(url("edit", requested), editor_post(requested)).status_code == 404
    client.force_login(admin_user)
    assert client.get(url("edit", requested)).status_code == 200


def test_work_list_shows_an_agent_only_its_dealers_quotes(client, requested, agent, other_agent, admin_user,
                                                          other_owner, panel):
    foreign = services.request_quote(actor=actor_of(other_owner), lines=[(panel, 1)])
    client.force_login(agent)
    html = page(client.get(reverse("quotes:work")))
    assert requested.number in html and foreign.number not in html
    assert client.get(reverse("quotes:list")).status_code == 302  # acting for nobody: to the work list
    client.force_login(admin_user)
    html = page(client.get(reverse("quotes:work")))
    assert requested.number in html and foreign.number in html


def test_agent_acting_for_the_dealer_sees_its_quotes_and_an_edit_link(client, agent, dealer, sent):
    act_for(client, agent, dealer)
    html = page(client.get(url("detail", sent)))
    assert 'id="edit-quote"' in html and "Acting for" in html


def test_agent_accepting_for_the_dealer_is_recorded_on_behalf(client, agent, dealer, sent, order_maker):
    act_for(client, agent, dealer)
    client.post(url("accept", sent), {"idempotency_key": "agent-1"})
    entry = AuditEntry.objects.get(action="quote.accepted")
    assert entry.actor == agent and entry.data["on_behalf_of"] == dealer.pk


def test_dealer_users_have_no_work_list(client, owner):
    client.force_login(owner)
    assert client.get(reverse("quotes:work")).status_code == 404


# --- admin --------------------------------------------------------------------------------------------------------

def test_admin_lists_quotes_shows_inlines_and_sends_through_the_service(client, admin_user, sent, requested):
    client.force_login(admin_user)
    changelist = page(client.get(reverse("admin:pricing_quote_changelist"), {"status__exact": "sent"}))
    assert sent.number in changelist
    change = page(client.get(reverse("admin:pricing_quote_change", args=[sent.pk])))
    assert "Revision" in change or "revision" in change
    assert url("edit", sent) in change
    other = services.request_quote(actor=actor_of(requested.placed_by), lines=[(requested.lines.first().product, 1)])
    response = client.post(reverse("admin:pricing_quote_changelist"), {
        "action": "send_selected", "_selected_action": [other.pk]}, follow=True)
    assert "1 quote sent" in page(response)
    other.refresh_from_db()
    assert other.status == "sent" and other.revision == 1


# --- query counts -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [1, 12])
def test_list_page_reads_a_fixed_number_of_queries(client, owner, agent, panel, chinese, count,
                                                   django_assert_max_num_queries):
    numbers = []
    for _ in range(count):
        quote = services.request_quote(actor=actor_of(owner), lines=[(panel, 2), (chinese, 1)])
        numbers.append(send(agent, quote).number)
    client.force_login(owner)
    client.get(reverse("quotes:list"))  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get(reverse("quotes:list"))
    assert response.status_code == 200 and all(number in page(response) for number in numbers)


@pytest.mark.parametrize("revisions, extra_lines", [(1, 0), (6, 10)])
def test_detail_page_reads_a_fixed_number_of_queries(client, owner, agent, requested, sub_category, market,
                                                     revisions, extra_lines, django_assert_max_num_queries):
    from .quote_fixtures import priced

    lines = [QuoteLineInput(line.product_id, line.quantity) for line in requested.lines.all()]
    lines += [QuoteLineInput(priced(market, "9.99", category=sub_category), 1) for _ in range(extra_lines)]
    for _ in range(revisions):
        send(agent, requested, lines=lines)
    client.force_login(owner)
    client.get(url("detail", requested))
    with django_assert_max_num_queries(9):
        response = client.get(url("detail", requested))
    assert response.status_code == 200 and all(line.product.sku in page(response) for line in requested.lines.select_related("product"))


@pytest.mark.parametrize("count", [1, 8])
def test_editor_and_work_list_read_a_fixed_number_of_queries(client, owner, agent, panel, count,
                                                             django_assert_max_num_queries):
    quotes = [services.request_quote(actor=actor_of(owner), lines=[(panel, 1 + i)]) for i in range(count)]
    client.force_login(agent)
    client.get(reverse("quotes:work"))
    with django_assert_max_num_queries(5):
        work = client.get(reverse("quotes:work"))
    assert work.status_code == 200 and all(quote.number in page(work) for quote in quotes)
    with django_assert_max_num_queries(10):
        editor = client.get(url("edit", quotes[-1]))
    assert editor.status_code == 200 and quotes[-1].number in page(editor)


def test_a_user_of_a_dealer_sees_the_quote_made_by_its_colleague(client, sent, dealer):
    colleague = DealerUserFactory(dealer=dealer, role="approver")
    client.force_login(colleague)
    response = client.get(url("detail", sent))
    assert response.status_code == 200 and sent.number in page(response)
    assert all(line.product.sku in page(response) for line in sent.lines.select_related("product"))


def test_an_agent_not_assigned_cannot_act_for_the_dealer_to_see_its_quotes(client, sent, dealer):
    stranger = AgentFactory()
    client.force_login(stranger)
    assert client.post(reverse("dealers:act_for", args=[dealer.pk])).status_code == 404
    response = client.get(url("detail", sent))
    assert response.status_code in (302, 404) and sent.number not in page(response)


def test_staff_acting_for_nobody_are_sent_from_the_dealer_page_to_the_editor(client, admin_user, sent):
    client.force_login(admin_user)
    response = client.get(url("detail", sent))
    assert response.status_code == 302 and response["Location"] == url("edit", sent)
    response = client.get(url("revision_pdf", sent, 1))  # staff download path: not rendered yet → back to the editor
    assert response.status_code == 302 and response["Location"] == url("edit", sent)


def test_the_admins_expire_action_expires_only_the_selected_overdue_quotes(client, admin_user, sent, owner, agent,
                                                                          panel):
    import time_machine

    other = send(agent, services.request_quote(actor=actor_of(owner), lines=[(panel, 1)]))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=20), tick=False):
        client.force_login(admin_user)  # signed in on that day: a session from 20 days before has expired
        response = client.post(reverse("admin:pricing_quote_changelist"), {
            "action": "expire_overdue", "_selected_action": [sent.pk]}, follow=True)
    assert "1 quote expired." in page(response)
    sent.refresh_from_db()
    other.refresh_from_db()
    assert sent.status == "expired" and other.status == "sent"
