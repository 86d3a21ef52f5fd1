"""The orders admin: lists with search by SKU and PO, actions that call the status and return services."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import OrderStatus, ReturnStatus, SubStatus
from orders.services import changes, ordering, returns
from orders.testing import actor_of, with_addresses


@pytest.fixture
def order(owner, dealer, panel):
    with_addresses(dealer)
    return ordering.place_order(actor=actor_of(owner), lines=[(panel, 2)],
                                checkout=ordering.Checkout(po_number="PO-ADMIN-1"))


def test_order_list_searches_by_sku_po_and_number(staff_client, order):
    url = reverse("admin:orders_order_changelist")
    for q in ("LED-600", "PO-ADMIN", order.number):
        assert order.number in staff_client.get(url, {"q": q}).content.decode()
    assert order.number not in staff_client.get(url, {"q": "NOTHING-LIKE-IT"}).content.decode()
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "LED-600" in page and "Placed" in page


def test_confirm_action_moves_the_order_and_writes_history(staff_client, order):
    response = staff_client.post(reverse("admin:orders_order_changelist"),
                                 {"action": "confirm_selected", "_selected_action": [order.pk]}, follow=True)
    assert "1 orders changed." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED and order.history.last().by == staff_client.staff


def test_set_status_asks_then_applies_with_a_sub_status(staff_client, order):
    packed = SubStatus.objects.create(code="packed", name_en="Packed", status=OrderStatus.PROCESSING)
    url = reverse("admin:orders_order_changelist")
    page = staff_client.post(url, {"action": "set_status_selected", "_selected_action": [order.pk]})
    assert page.status_code == 200 and "Sub-status" in page.content.decode()
    staff_client.post(url, {"action": "set_status_selected", "_selected_action": [order.pk], "apply": "1",
                            "status": "processing", "sub_status": packed.pk, "note": "on the line",
                            "note_visibility": "dealer"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING and order.sub_status == packed
    assert order.history.last().note == "on the line" and not order.history.last().note_internal


def test_set_status_offers_only_allowed_moves_and_preselects_nothing(staff_client, order):
    page = staff_client.post(reverse("admin:orders_order_changelist"),
                             {"action": "set_status_selected", "_selected_action": [order.pk]}).content.decode()
    select = page[page.index('name="status"'):]
    select = select[:select.index("</select>")]
    assert 'value="confirmed"' in select and 'value="processing"' in select and 'value="cancelled"' in select
    assert 'value="delivered"' not in select and 'value="pending_approval"' not in select
    assert '<option value="placed">Placed (current: sub-status only)</option>' in select
    assert re.findall(r'<option value="([^"]*)" selected', select) in ([], [""])  # nothing chosen for staff
    assert f"{order.number} (Placed)" in page


def test_set_status_reports_each_refused_order_in_one_message(staff_client, order, owner, panel):
    confirmed = ordering.place_order(actor=actor_of(owner), lines=[(panel, 1)], checkout=ordering.Checkout())
    changes.set_status(actor=staff_client.staff, order=confirmed, status="confirmed")
    response = staff_client.post(reverse("admin:orders_order_changelist"), {
        "action": "set_status_selected", "_selected_action": [order.pk, confirmed.pk], "apply": "1",
        "status": "partially_shipped"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert "1 orders changed" in messages[0] and f"{order.number}: An order cannot go from" in messages[0]
    order.refresh_from_db()
    confirmed.refresh_from_db()
    assert order.status == OrderStatus.PLACED and confirmed.status == OrderStatus.PARTIALLY_SHIPPED


def test_a_status_no_order_may_reach_is_not_offered_by_the_action(staff_client, order):
    response = staff_client.post(reverse("admin:orders_order_changelist"), {
        "action": "set_status_selected", "_selected_action": [order.pk], "apply": "1", "status": "delivered"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_returns_are_approved_from_the_admin(staff_client, order, owner):
    for status in ("confirmed", "shipped", "delivered"):
        changes.set_status(actor=staff_client.staff, order=order, status=status)
    rma = returns.request_return(actor=actor_of(owner), line=order.lines.get(), quantity=1, reason="Cracked")
    url = reverse("admin:orders_returnrequest_changelist")
    staff_client.post(url, {"action": "approve_selected", "_selected_action": [rma.pk], "apply": "1", "note": "ok"})
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.APPROVED and order.lines.get().returned_quantity == 1


# --- Moves from the order's own admin page -------------------------------------------------------------------------

def _move_url(order, to):
    return reverse("admin:orders_order_move", args=[order.pk, to])


def _dealer_sees(user, order):
    from django.test import Client

    dealer_client = Client()
    dealer_client.force_login(user)
    page = dealer_client.get(reverse("orders:order", args=[order.number])).content.decode()
    api = dealer_client.get(reverse("api:me-order", args=[order.number])).content.decode()
    return page, api


def test_order_page_shows_the_status_and_a_button_per_allowed_move(staff_client, order):
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    panel = page[page.index('id="status-moves"'):]
    panel = panel[:panel.index("</div>")]
    assert "Current status:" in panel and "Placed" in panel
    offered = set(re.findall(r'/move/([a-z_]+)/', panel))
    assert offered == {"confirmed", "processing", "cancelled"}
    assert ">Confirm<" in panel and ">Cancel the order<" in panel


def test_an_order_waiting_for_its_approver_offers_no_placing(staff_client, owner, dealer, panel):
    from dealers.models import Role
    from dealers.testing import DealerUserFactory

    with_addresses(dealer)
    buyer = DealerUserFactory(dealer=dealer, role=Role.BUYER, order_limit=1)
    waiting = ordering.place_order(actor=actor_of(buyer), lines=[(panel, 2)], checkout=ordering.Checkout())
    assert waiting.status == OrderStatus.PENDING_APPROVAL
    page = staff_client.get(reverse("admin:orders_order_change", args=[waiting.pk])).content.decode()
    assert set(re.findall(r'/move/([a-z_]+)/', page)) == {"rejected", "cancelled"}
    response = staff_client.post(_move_url(waiting, "placed"), {"apply": "1"}, follow=True)
    assert "this move is not allowed" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == OrderStatus.PENDING_APPROVAL


def test_move_page_asks_who_reads_the_note_and_chooses_nothing(staff_client, order):
    page = staff_client.get(_move_url(order, "confirmed")).content.decode()
    assert "Shown to the dealer (order page, e-mail and API)" in page
    assert "Internal: staff only, never shown to the dealer" in page
    assert "checked" not in page[page.index('name="note_visibility"') - 200:]
    response = staff_client.post(_move_url(order, "confirmed"), {"apply": "1", "note": "Ring first"})
    assert response.status_code == 200 and "Choose whether the dealer may read this note." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_internal_note_stays_with_staff(staff_client, order, owner, django_capture_on_commit_callbacks):
    from portal.models import Notification

    response = staff_client.post(_move_url(order, "confirmed"), {
        "apply": "1", "note": "Customer owes us a pallet", "note_visibility": "internal"}, follow=True)
    assert f"{order.number} is now “Confirmed”." in response.content.decode()
    order.refresh_from_db()
    change = order.history.last()
    assert order.status == OrderStatus.CONFIRMED and change.by == staff_client.staff
    assert change.note == "Customer owes us a pallet" and change.note_internal
    page, api = _dealer_sees(owner, order)
    assert "Confirmed" in page and "Customer owes us a pallet" not in page
    assert "Customer owes us a pallet" not in api
    mails = Notification.objects.filter(template="orders/status_changed")
    assert mails.exists() and all(m.context.get("note") == "" for m in mails)
    admin_page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "Customer owes us a pallet" in admin_page


def test_note_shown_to_the_dealer_reaches_its_page_api_and_mail(staff_client, order, owner):
    from portal.models import Notification

    staff_client.post(_move_url(order, "processing"), {
        "apply": "1", "note": "Packed tomorrow morning", "note_visibility": "dealer"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING and not order.history.last().note_internal
    page, api = _dealer_sees(owner, order)
    assert "Packed tomorrow morning" in page and "Packed tomorrow morning" in api
    assert Notification.objects.filter(template="orders/status_changed",
                                       context__note="Packed tomorrow morning").exists()


def test_a_refusal_from_the_service_is_an_error_message(staff_client, order, monkeypatch):
    from orders.errors import StatusNotAllowed
    from orders.models import ORDER

    def waits_for_shipment(*, order, previous, to, actor):
        raise StatusNotAllowed("Ship it from the shipping desk first.")

    monkeypatch.setattr(ORDER.guard, "_functions", [waits_for_shipment])
    response = staff_client.post(_move_url(order, "cancelled"), {"apply": "1"}, follow=True)
    # The confirm page again, with what staff typed and the refusal on its form (portal.admin.StatusMovesAdmin).
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Ship it from the shipping desk first."]
    assert "Ship it from the shipping desk first." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_a_move_the_status_no_longer_allows_is_refused(staff_client, order):
    changes.set_status(actor=staff_client.staff, order=order, status="cancelled")
    response = staff_client.post(_move_url(order, "confirmed"), {"apply": "1"}, follow=True)
    assert "this move is not allowed while it is “Cancelled”" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_history_inline_reads_as_a_caption(staff_client, order):
    staff_client.staff.first_name, staff_client.staff.last_name = "Ayşe", "Yılmaz"
    staff_client.staff.save()
    changes.set_status(actor=staff_client.staff, order=order, status="confirmed")
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "OrderStatusChange object" not in page
    assert re.search(r"Placed → Confirmed · [^<]+ · by Ayşe Yılmaz", page)


def test_money_and_quantities_are_formatted(staff_client, owner, dealer, market):
    from orders.testing import priced

    big = priced(market, price="7640.94", sku="BIG-1")
    with_addresses(dealer)
    order = ordering.place_order(actor=actor_of(owner), lines=[(big, 1)], checkout=ordering.Checkout())
    assert order.total_net == Decimal("7640.94")
    change = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "7,640.94 TRY" in change and "7640.94" not in change
    assert "1.000" not in change and re.search(r'field-qty[^>]*>\s*<p>1 piece</p>', change)
    listing = staff_client.get(reverse("admin:orders_order_changelist")).content.decode()
    gross = order.total_gross
    assert f"{gross:,.2f} TRY" in listing and f">{gross}<" not in listing


def test_return_page_offers_approve_and_reject_with_a_note_for_the_dealer(staff_client, order, owner):
    for status in ("confirmed", "shipped", "delivered"):
        changes.set_status(actor=staff_client.staff, order=order, status=status)
    rma = returns.request_return(actor=actor_of(owner), line=order.lines.get(), quantity=1, reason="Cracked")
    page = staff_client.get(reverse("admin:orders_returnrequest_change", args=[rma.pk])).content.decode()
    assert set(re.findall(r'/move/([a-z_]+)/', page)) == {"approve", "reject"} and "Requested" in page
    confirm = staff_client.get(reverse("admin:orders_returnrequest_move", args=[rma.pk, "reject"])).content.decode()
    assert "Shown to the dealer" in confirm
    response = staff_client.post(reverse("admin:orders_returnrequest_move", args=[rma.pk, "reject"]),
                                 {"apply": "1", "note": ""})
    assert "Say why the return is rejected." in response.content.decode()
    staff_client.post(reverse("admin:orders_returnrequest_move", args=[rma.pk, "reject"]),
                      {"apply": "1", "note": "Scratched in use"})
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.REJECTED and rma.decision_note == "Scratched in use"
    page = staff_client.get(reverse("admin:orders_returnrequest_change", args=[rma.pk])).content.decode()
    assert "/move/" not in page and "No further move is possible" in page


def test_cart_lines_read_as_sku_and_plain_quantity(staff_client, owner, dealer, panel):
    from orders.models import Cart, CartLine

    cart = Cart.objects.create(dealer=dealer, user=owner)
    CartLine.objects.create(cart=cart, product=panel, quantity=Decimal("3.000"))
    page = staff_client.get(reverse("admin:orders_cart_change", args=[cart.pk])).content.decode()
    assert "LED-600 × 3" in page and "3.000" not in page
    assert re.search(r"field-qty[^>]*>\s*<p>3 pieces</p>", page)


def test_set_status_sets_a_sub_status_without_a_move(staff_client, order):
    checked = SubStatus.objects.create(code="checked", name_en="Credit checked", status=OrderStatus.PLACED)
    staff_client.post(reverse("admin:orders_order_changelist"), {
        "action": "set_status_selected", "_selected_action": [order.pk], "apply": "1", "status": "placed",
        "sub_status": checked.pk})
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and order.sub_status == checked
