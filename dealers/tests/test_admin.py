"""The Django admin of dealers: lists, the dealer page with its inlines, status moves through the services."""
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from dealers.models import (
    Dealer,
    DealerDocument,
    DealerStatusChange,
    DocumentType,
    Role,
    Segment,
    TermsVersion,
    User,
)
from dealers.selectors import dealer_document_url
from dealers.services import CODE_ALPHABET, CODE_LENGTH, publish_terms
from dealers.testing import (
    AddressFactory,
    AgentFactory,
    DealerFactory,
    DealerUserFactory,
    SegmentFactory,
    StaffFactory,
    TermsFactory,
    UserFactory,
)
from portal import audit
from portal.errors import DomainError
from portal.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:dealers_dealer_changelist"


def change_url(dealer):
    return reverse("admin:dealers_dealer_change", args=[dealer.pk])


def move_url(dealer, move):
    # The move mechanism every status admin shares (portal.admin.StatusMovesAdmin).
    return reverse("admin:dealers_dealer_move", args=[dealer.pk, move])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def notifications(dealer, template):
    return Notification.objects.filter(template=template, recipient__in=dealer.users.values("email"))


@pytest.fixture
def applied():
    dealer = DealerFactory(status=Dealer.Status.APPLIED, legal_name="Yıldız Elektrik Ltd. Şti.", trade_name="Yıldız")
    DealerUserFactory(dealer=dealer, role=Role.OWNER, email="zeynep@yildiz.example.com")
    return dealer


def post_action(client, action, dealers, **data):
    return client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [d.pk for d in dealers], **data})


class FormFields(HTMLParser):
    """What a browser would submit from the form with the given id: inputs, checked boxes, selects, textareas."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "option":
            if self._select and "selected" in attrs:
                self.data.append((self._select, attrs.get("value", "")))
            return
        name = attrs.get("name")
        if not name:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.data.append((name, attrs.get("value", "")))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            self.data.append((name, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.data[-1]
            self.data[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def as_post(self):
        post = {}
        for name, value in self.data:
            post.setdefault(name, []).append(value)
        return post


# --- the list -----------------------------------------------------------------------------------

def test_changelist_filters_by_status_and_searches_by_tax_number_and_code(staff_client, applied):
    approved = DealerFactory(tax_number="5550001112")
    url = reverse(CHANGELIST)

    response = staff_client.get(url)
    assert response.status_code == 200
    assert {applied, approved} <= set(response.context["cl"].result_list)
    html = response.content.decode()
    assert 'class="dealer-status dealer-status-applied"' in html and "Yıldız Elektrik" in html

    applied_only = staff_client.get(url, {"status__exact": "applied"}).context["cl"].result_list
    assert list(applied_only) == [applied]
    assert list(staff_client.get(url, {"q": "5550001112"}).context["cl"].result_list) == [approved]
    assert list(staff_client.get(url, {"q": approved.code}).context["cl"].result_list) == [approved]
    assert list(staff_client.get(url, {"q": "zeynep@yildiz"}).context["cl"].result_list) == [applied]


def test_changelist_filters_by_segment_sector_and_date(staff_client, applied):
    gold = SegmentFactory(code="gold", name="Gold")
    golden = DealerFactory(segment=gold, sector="plumbing")
    url = reverse(CHANGELIST)
    assert list(staff_client.get(url, {"segment__id__exact": gold.pk}).context["cl"].result_list) == [golden]
    assert list(staff_client.get(url, {"sector__exact": "plumbing"}).context["cl"].result_list) == [golden]
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    next_year = today.replace(year=today.year + 1)
    dated = staff_client.get(url, {"created_at__gte": str(today), "created_at__lt": str(next_year)})
    assert set(dated.context["cl"].result_list) == {applied, golden}


@pytest.mark.parametrize("count", [1, 30])
def test_changelist_query_count_does_not_grow_with_dealers(staff_client, django_assert_max_num_queries, count):
    managers = [StaffFactory(), StaffFactory()]
    segments = [SegmentFactory(), SegmentFactory()]
    for i in range(count):
        dealer = DealerFactory(segment=segments[i % 2], account_manager=managers[i % 2])
        DealerUserFactory(dealer=dealer)
    with django_assert_max_num_queries(6):  # + the session row (sessions in PostgreSQL)
        response = staff_client.get(reverse(CHANGELIST))
    assert len(response.context["cl"].result_list) == count
    html = response.content.decode()
    assert all(dealer.legal_name in html for dealer in Dealer.objects.all())


def test_dealers_are_not_added_blank_in_the_admin(staff_client):
    assert staff_client.get(reverse("admin:dealers_dealer_add")).status_code == 403


# --- one dealer's page --------------------------------------------------------------------------

def test_change_page_shows_documents_users_history_and_audit(staff_client, staff, applied):
    doc = DealerDocument.objects.create(
        dealer=applied, doc_type=DocumentType.objects.get(code="tax_certificate"),
        file="private/dealer-documents/0123abcd.pdf", original_name="vergi-levhasi.pdf",
        content_type="application/pdf", size=2048)
    buyer = DealerUserFactory(dealer=applied, role=Role.BUYER, order_limit="5000.00", email="ali@yildiz.example.com")
    DealerStatusChange.objects.create(dealer=applied, to_status=Dealer.Status.APPLIED, note="via the form")
    audit.record(actor=staff, action="dealer.profile_changed", target=applied, data={"city": "İzmir"})

    response = staff_client.get(change_url(applied))
    assert response.status_code == 200
    html = response.content.decode()
    assert "vergi-levhasi.pdf" in html
    assert f'href="{dealer_document_url(document=doc)}"' in html and ">Download<" in html
    assert "ali@yildiz.example.com" in html and "zeynep@yildiz.example.com" in html
    assert f'href="{reverse("admin:dealers_user_change", args=[buyer.pk])}"' in html
    assert "5000.00" in html or "5,000.00" in html
    assert "via the form" in html
    assert "dealer.profile_changed" in html
    # Status and code only move through the services: shown, not editable.
    form = response.context["adminform"].form
    assert "status" not in form.fields and "code" not in form.fields and "agents" in form.fields


def test_audit_inline_shows_the_newest_entries_only(staff_client, staff, applied):
    for i in range(55):
        audit.record(actor=staff, action=f"test.step_{i:02d}", target=applied)
    response = staff_client.get(change_url(applied))
    (audit_inline,) = [f for f in response.context["inline_admin_formsets"] if f.formset.model is AuditEntry]
    shown = [form.instance.action for form in audit_inline.formset.forms]
    assert len(shown) == 50 and shown[0] == "test.step_54" and "test.step_04" not in shown


def test_change_page_saves_with_its_read_only_inlines(staff_client, staff, applied):
    for i in range(55):
        audit.record(actor=staff, action=f"test.step_{i:02d}", target=applied)
    manager = StaffFactory(email="manager@example.com")
    parser = FormFields("dealer_form")
    parser.feed(staff_client.get(change_url(applied)).content.decode())
    data = parser.as_post()
    data.update(city=["İzmir"], account_manager=[str(manager.pk)], is_key_account=["on"], _save=["Save"])

    response = staff_client.post(change_url(applied), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    applied.refresh_from_db()
    assert (applied.city, applied.account_manager, applied.is_key_account) == ("İzmir", manager, True)
    assert applied.status == Dealer.Status.APPLIED and applied.users.count() == 1


def test_change_page_offers_the_moves_its_status_allows(staff_client, applied):
    html = staff_client.get(change_url(applied)).content.decode()
    assert move_url(applied, "approve") in html and move_url(applied, "reject") in html
    assert move_url(applied, "suspend") not in html and move_url(applied, "reactivate") not in html

    approved = DealerFactory()
    html = staff_client.get(change_url(approved)).content.decode()
    assert move_url(approved, "suspend") in html
    assert move_url(approved, "approve") not in html and move_url(approved, "reject") not in html

    suspended = DealerFactory(status=Dealer.Status.SUSPENDED)
    html = staff_client.get(change_url(suspended)).content.decode()
    assert move_url(suspended, "reactivate") in html and move_url(suspended, "suspend") not in html

    rejected = DealerFactory(status=Dealer.Status.REJECTED)
    html = staff_client.get(change_url(rejected)).content.decode()
    assert not any(move_url(rejected, m) in html for m in ("approve", "reject", "suspend", "reactivate"))


# --- approval -----------------------------------------------------------------------------------

def test_approve_action_asks_for_segment_then_approves(staff_client, staff, applied):
    gold = SegmentFactory(code="gold", name="Gold")
    manager = StaffFactory(email="manager@example.com")

    confirm = post_action(staff_client, "approve_selected", [applied])
    assert confirm.status_code == 200
    assert "admin/dealers/dealer/confirm_status_change.html" in [t.name for t in confirm.templates]
    assert confirm.context["form"]["segment"].value() == Segment.objects.get(is_default=True).pk
    assert Dealer.objects.get(pk=applied.pk).status == Dealer.Status.APPLIED  # nothing happens before confirming

    response = post_action(staff_client, "approve_selected", [applied], apply="1", segment=gold.pk,
                           account_manager=manager.pk)
    assert response.status_code == 302
    messages = messages_of(staff_client.get(response["Location"]))
    assert "1 dealer approved" in messages

    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPROVED and applied.approved_at is not None
    assert len(applied.code) == CODE_LENGTH == 6 and set(applied.code) <= set(CODE_ALPHABET)
    assert applied.segment == gold and applied.account_manager == manager
    mail = Notification.objects.get(template="dealers/dealer_approved")
    assert mail.recipient == "zeynep@yildiz.example.com" and mail.context["dealer_code"] == applied.code
    entry = AuditEntry.objects.get(action="dealer.approved", dealer=applied)
    assert entry.actor == staff and entry.ip_address == "127.0.0.1"
    assert DealerStatusChange.objects.filter(dealer=applied, to_status="approved", by=staff).exists()


def test_approve_action_with_the_default_segment(staff_client, applied):
    default = Segment.objects.get(is_default=True)
    post_action(staff_client, "approve_selected", [applied], apply="1", segment=default.pk)
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPROVED and applied.segment == default and applied.account_manager is None


def test_approve_button_on_the_dealer_page(staff_client, staff, applied):
    url = move_url(applied, "approve")
    page = staff_client.get(url)
    assert page.status_code == 200 and page.context["original"] == applied
    assert "admin/dealers/dealer/confirm_move.html" in [t.name for t in page.templates]
    assert "Yıldız Elektrik" in page.content.decode()

    response = staff_client.post(url, {"apply": "1", "segment": Segment.objects.get(is_default=True).pk})
    assert response.status_code == 302 and response["Location"] == change_url(applied)
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPROVED and set(applied.code) <= set(CODE_ALPHABET)
    assert notifications(applied, "dealers/dealer_approved").count() == 1
    assert AuditEntry.objects.filter(action="dealer.approved", dealer=applied, actor=staff).exists()


def test_the_approve_page_refuses_bad_input_as_a_form_error_and_changes_nothing(staff_client, applied):
    not_an_agent = StaffFactory()
    response = staff_client.post(move_url(applied, "approve"), {"apply": "1", "agent": not_an_agent.pk})
    assert response.status_code == 200 and response.context["form"].errors["agent"]

    # A refusal of the service (here a later stage's, on dealers.approved) shows on the field it names, the page
    # keeps what was typed, and nothing of the approval is kept.
    from dealers import hooks

    def refuse(dealer, actor, setup):
        raise DomainError("Not in this segment.", field="segment")

    gold = SegmentFactory(code="gold", name="Gold")
    with hooks.approved.registered(refuse):
        response = staff_client.post(move_url(applied, "approve"), {"apply": "1", "segment": gold.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["segment"] == ["Not in this segment."]
    assert response.context["form"]["segment"].value() == str(gold.pk)
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPLIED and applied.code is None and applied.segment != gold
    assert not DealerStatusChange.objects.filter(dealer=applied).exists()
    assert not AuditEntry.objects.filter(dealer=applied).exists()


def test_approve_route_of_a_dealer_whose_status_does_not_allow_it(staff_client):
    approved = DealerFactory()
    code = approved.code
    response = staff_client.post(move_url(approved, "approve"), {"apply": "1"}, follow=True)
    assert any("this move is not allowed while it is “Approved”" in m for m in messages_of(response))
    approved.refresh_from_db()
    assert approved.code == code and not AuditEntry.objects.filter(action="dealer.approved").exists()


def test_action_over_a_mixed_selection_approves_one_and_reports_the_other(staff_client, applied):
    already = DealerFactory(trade_name="Kuzey Yapı")
    code = already.code

    confirm = post_action(staff_client, "approve_selected", [applied, already])
    assert "will be skipped" in confirm.content.decode()

    response = post_action(staff_client, "approve_selected", [applied, already], apply="1",
                           segment=Segment.objects.get(is_default=True).pk)
    (message,) = messages_of(staff_client.get(response["Location"]))
    assert message.startswith("1 dealer approved; 1 skipped: Kuzey Yapı: ")
    assert "cannot become" in message
    applied.refresh_from_db()
    already.refresh_from_db()
    assert applied.status == Dealer.Status.APPROVED
    assert already.status == Dealer.Status.APPROVED and already.code == code
    assert AuditEntry.objects.filter(action="dealer.approved").count() == 1


def test_summary_counts_several_dealers(staff_client):
    dealers = [DealerFactory(status=Dealer.Status.APPLIED) for _ in range(3)]
    response = post_action(staff_client, "approve_selected", dealers, apply="1")
    assert messages_of(staff_client.get(response["Location"])) == ["3 dealers approved"]
    assert Dealer.objects.filter(status="approved").count() == 3
    assert len({d.code for d in Dealer.objects.all()}) == 3


# --- rejection, suspension, reactivation ---------------------------------------------------------

def test_reject_requires_a_reason(staff_client, applied):
    confirm = post_action(staff_client, "reject_selected", [applied])
    assert confirm.status_code == 200 and "reason" in confirm.context["form"].fields

    response = post_action(staff_client, "reject_selected", [applied], apply="1", reason="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = staff_client.post(move_url(applied, "reject"), {"apply": "1", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]

    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPLIED and applied.status_reason == ""
    assert not Notification.objects.filter(template="dealers/dealer_rejected").exists()
    assert not AuditEntry.objects.filter(action="dealer.rejected").exists()


def test_reject_with_a_reason(staff_client, staff, applied):
    response = post_action(staff_client, "reject_selected", [applied], apply="1",
                           reason="  The tax certificate is out of date.  ")
    assert messages_of(staff_client.get(response["Location"])) == ["1 dealer rejected"]
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.REJECTED
    assert applied.status_reason == "The tax certificate is out of date."
    mail = notifications(applied, "dealers/dealer_rejected").get()
    assert mail.context["reason"] == "The tax certificate is out of date."
    assert AuditEntry.objects.filter(action="dealer.rejected", dealer=applied, actor=staff).exists()


def test_reject_button_on_the_dealer_page(staff_client, applied):
    response = staff_client.post(move_url(applied, "reject"), {"apply": "1", "reason": "Incomplete documents."})
    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.REJECTED and applied.status_reason == "Incomplete documents."


def test_suspend_and_reactivate_through_actions(staff_client):
    dealer = DealerFactory()
    DealerUserFactory(dealer=dealer)

    assert post_action(staff_client, "suspend_selected", [dealer]).status_code == 200  # the reason page
    response = post_action(staff_client, "suspend_selected", [dealer], apply="1", reason="Overdue invoices.")
    assert messages_of(staff_client.get(response["Location"])) == ["1 dealer suspended"]
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.SUSPENDED and dealer.status_reason == "Overdue invoices."
    assert notifications(dealer, "dealers/dealer_suspended").count() == 1

    response = post_action(staff_client, "reactivate_selected", [dealer])  # direct: no confirmation page
    assert response.status_code == 302
    assert messages_of(staff_client.get(response["Location"])) == ["1 dealer reactivated"]
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.APPROVED
    assert notifications(dealer, "dealers/dealer_reactivated").count() == 1
    assert list(AuditEntry.objects.filter(dealer=dealer).values_list("action", flat=True).order_by("id")) == [
        "dealer.suspended", "dealer.approved"]


def test_suspend_without_a_reason_and_reactivate_from_the_dealer_page(staff_client):
    dealer = DealerFactory()
    response = staff_client.post(move_url(dealer, "suspend"), {"apply": "1", "reason": ""})
    assert response.status_code == 302
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.SUSPENDED

    html = staff_client.get(change_url(dealer)).content.decode()
    assert f'action="{move_url(dealer, "reactivate")}"' in html  # a button that posts directly
    response = staff_client.post(move_url(dealer, "reactivate"), {"apply": "1"})
    assert response.status_code == 302
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.APPROVED


def test_reactivating_an_applied_dealer_is_skipped(staff_client, applied):
    response = post_action(staff_client, "reactivate_selected", [applied])
    (message,) = messages_of(staff_client.get(response["Location"]))
    assert message.startswith("0 dealers reactivated; 1 skipped: Yıldız: ")
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPLIED


# --- who may ------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "dealer_user", "non_staff"])
def test_non_staff_cannot_reach_the_admin(client, applied, who):
    if who == "dealer_user":
        client.force_login(applied.users.get())
    elif who == "non_staff":
        client.force_login(UserFactory())
    for url in (reverse(CHANGELIST), change_url(applied), move_url(applied, "approve")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    response = client.post(move_url(applied, "approve"), {"apply": "1"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    response = post_action(client, "approve_selected", [applied], apply="1")
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPLIED


def test_staff_without_the_change_permission_cannot_move_a_dealer(client, applied):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_dealer"))
    client.force_login(viewer)
    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert "approve_selected" not in client.get(reverse(CHANGELIST)).content.decode()
    assert client.get(move_url(applied, "approve")).status_code == 403
    assert client.post(move_url(applied, "approve"), {"apply": "1"}).status_code == 403
    post_action(client, "approve_selected", [applied], apply="1")
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPLIED


# --- users --------------------------------------------------------------------------------------

def test_user_list_searches_by_dealer_code_and_filters_by_role(staff_client, applied):
    dealer = DealerFactory()
    buyer = DealerUserFactory(dealer=dealer, role=Role.BUYER)
    url = reverse("admin:dealers_user_changelist")
    response = staff_client.get(url, {"q": dealer.code})
    assert list(response.context["cl"].result_list) == [buyer]
    assert dealer.trade_name in response.content.decode()
    assert list(staff_client.get(url, {"role__exact": "buyer"}).context["cl"].result_list) == [buyer]


def test_staff_adds_a_dealer_user_by_email(staff_client, applied):
    url = reverse("admin:dealers_user_add")
    page = staff_client.get(url)
    assert page.status_code == 200
    assert {"email", "password1", "password2", "dealer", "role"} <= set(page.context["adminform"].form.fields)

    missing_role = staff_client.post(url, {"email": "new@example.com", "password1": "a-Strong-pass-2026",
                                           "password2": "a-Strong-pass-2026", "dealer": applied.pk, "role": ""})
    assert missing_role.status_code == 200 and missing_role.context["adminform"].form.errors["role"]

    duplicate = staff_client.post(url, {"email": "ZEYNEP@yildiz.example.com", "password1": "a-Strong-pass-2026",
                                        "password2": "a-Strong-pass-2026"})
    assert duplicate.status_code == 200 and duplicate.context["adminform"].form.errors["email"]

    response = staff_client.post(url, {"email": "New.Buyer@Example.com", "password1": "a-Strong-pass-2026",
                                       "password2": "a-Strong-pass-2026", "dealer": applied.pk, "role": "buyer"})
    assert response.status_code == 302
    user = User.objects.get(email="new.buyer@example.com")
    assert user.dealer == applied and user.role == Role.BUYER and user.check_password("a-Strong-pass-2026")


def test_dealer_field_of_a_user_autocompletes_by_name_and_code(staff_client, applied):
    other = DealerFactory(legal_name="Kuzey Yapı A.Ş.")
    url = reverse("admin:autocomplete")
    params = {"app_label": "dealers", "model_name": "user", "field_name": "dealer"}
    found = staff_client.get(url, {**params, "term": "Yıldız"}).json()["results"]
    assert [r["id"] for r in found] == [str(applied.pk)]
    found = staff_client.get(url, {**params, "term": other.code}).json()["results"]
    assert [r["id"] for r in found] == [str(other.pk)]


def test_user_page_shows_the_invitation_read_only(staff_client, staff, applied):
    invited = DealerUserFactory(dealer=applied, role=Role.VIEWER, invited_by=staff, invited_at=timezone.now())
    response = staff_client.get(reverse("admin:dealers_user_change", args=[invited.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert {"dealer", "role", "order_limit", "phone", "language"} <= set(form.fields)
    assert "invited_by" not in form.fields and "username" not in form.fields
    assert "Selin Admin" in response.content.decode()


# --- terms, reference data ----------------------------------------------------------------------

def test_publish_action_publishes_drafts_and_skips_published(staff_client, staff):
    current = TermsFactory(version=1)
    draft = TermsFactory(version=2, published_at=None, title="Terms of use 2026")
    url = reverse("admin:dealers_termsversion_changelist")
    assert staff_client.get(url).status_code == 200

    response = staff_client.post(url, {"action": "publish_now", "_selected_action": [current.pk, draft.pk]})
    (message,) = messages_of(staff_client.get(response["Location"]))
    assert message.startswith("1 version published; 1 skipped: v1 · Terms of use: ")
    draft.refresh_from_db()
    assert draft.published_at is not None
    entry = AuditEntry.objects.get(action="terms.published")
    assert entry.actor == staff and entry.data == {"version": 2}
    assert TermsVersion.objects.current() == draft


def test_published_terms_text_is_read_only(staff_client):
    published = TermsFactory(version=1)
    draft = TermsFactory(version=2, published_at=None)
    fields = staff_client.get(reverse("admin:dealers_termsversion_change", args=[published.pk])).context[
        "adminform"].form.fields
    assert "title" not in fields and "body" not in fields
    fields = staff_client.get(reverse("admin:dealers_termsversion_change", args=[draft.pk])).context[
        "adminform"].form.fields
    assert "title" in fields and "body" in fields and "published_at" not in fields
    add = staff_client.get(reverse("admin:dealers_termsversion_add"))
    assert add.context["adminform"].form.initial["version"] == 3


def test_publish_terms_service_refuses_an_older_draft(staff):
    TermsFactory(version=5)
    old = TermsFactory(version=4, published_at=None)
    with pytest.raises(DomainError) as exc:
        publish_terms(terms=old, actor=staff)
    assert exc.value.code == "dealers.terms_outdated"
    with pytest.raises(DomainError) as exc:
        publish_terms(terms=old, actor=UserFactory())
    assert exc.value.code == "dealers.not_allowed"
    old.refresh_from_db()
    assert old.published_at is None


def test_segment_admin_refuses_a_second_default(staff_client):
    response = staff_client.post(reverse("admin:dealers_segment_add"),
                                 {"code": "gold", "name": "Gold", "is_default": "on", "ordering": "1"})
    assert response.status_code == 200 and response.context["adminform"].form.errors["is_default"]
    response = staff_client.post(reverse("admin:dealers_segment_add"),
                                 {"code": "gold", "name": "Gold", "ordering": "1"})
    assert response.status_code == 302 and Segment.objects.filter(code="gold").exists()


def test_document_types_are_edited_in_the_list(staff_client):
    url = reverse("admin:dealers_documenttype_changelist")
    response = staff_client.get(url)
    formset = response.context["cl"].formset
    assert set(formset.forms[0].fields) >= {"required", "active", "ordering"}


@pytest.mark.parametrize("model", ["segment", "documenttype", "termsversion", "termsacceptance", "address", "user"])
def test_reference_lists_load(staff_client, model):
    dealer = DealerFactory()
    AddressFactory(dealer=dealer)
    terms = TermsFactory()
    user = DealerUserFactory(dealer=dealer)
    user.terms_acceptances.create(terms=terms, ip_address="10.0.0.1")
    response = staff_client.get(reverse(f"admin:dealers_{model}_changelist"))
    assert response.status_code == 200 and len(response.context["cl"].result_list) >= 1


def test_address_search_and_kind_filter(staff_client):
    billing = AddressFactory(kind="billing", label="Head office")
    AddressFactory(kind="shipping", label="Ankara warehouse")
    url = reverse("admin:dealers_address_changelist")
    assert list(staff_client.get(url, {"kind__exact": "billing"}).context["cl"].result_list) == [billing]
    assert list(staff_client.get(url, {"q": "Head office"}).context["cl"].result_list) == [billing]


def test_terms_acceptances_are_read_only(staff_client):
    terms = TermsFactory()
    acceptance = DealerUserFactory().terms_acceptances.create(terms=terms)
    assert staff_client.get(reverse("admin:dealers_termsacceptance_add")).status_code == 403
    page = staff_client.get(reverse("admin:dealers_termsacceptance_change", args=[acceptance.pk]))
    assert page.status_code == 200 and not page.context["adminform"].form.fields


@pytest.mark.parametrize("count", [1, 20])
def test_dealer_page_query_count_does_not_grow_with_its_rows(staff_client, staff, applied,
                                                            django_assert_max_num_queries, count):
    doc_type = DocumentType.objects.get(code="tax_certificate")
    owner = applied.users.get()
    for i in range(count):
        DealerDocument.objects.create(dealer=applied, doc_type=doc_type, file=f"private/dealer-documents/{i}.pdf",
                                      original_name=f"doc{i}.pdf", content_type="application/pdf", size=10,
                                      uploaded_by=owner)
        DealerUserFactory(dealer=applied, role=Role.BUYER)
        DealerStatusChange.objects.create(dealer=applied, to_status=Dealer.Status.APPLIED, by=staff)
        audit.record(actor=staff, action="test.step", target=applied)
    with django_assert_max_num_queries(12):  # 10 + payments' credit account box + the session row
        response = staff_client.get(change_url(applied))
    html = response.content.decode()
    assert response.status_code == 200 and applied.legal_name in html
    assert all(f"doc{i}.pdf" in html for i in range(count))  # every document
    assert all(user.email in html for user in applied.users.all())  # every user


def test_staff_edit_of_a_dealer_is_audited_with_before_and_after(staff_client, staff, applied):
    agent = AgentFactory()
    parser = FormFields("dealer_form")
    parser.feed(staff_client.get(change_url(applied)).content.decode())
    data = parser.as_post()
    data.update(city=["Bursa"], agents=[str(agent.pk)], _save=["Save"])
    assert staff_client.post(change_url(applied), data).status_code == 302
    entry = AuditEntry.objects.get(action="dealer.changed_by_staff", dealer=applied)
    assert entry.actor == staff and entry.data["after"]["city"] == "Bursa"
    assert entry.data["agents"]["after"] == [agent.email]
    assert list(applied.agents.all()) == [agent]


def _user_change_data(client, user, **changes):
    parser = FormFields("user_form")
    parser.feed(client.get(reverse("admin:dealers_user_change", args=[user.pk])).content.decode())
    data = parser.as_post()
    data.update({k: [v] for k, v in changes.items()}, _save=["Save"])
    return data


def test_admin_cannot_remove_a_dealers_last_owner(staff_client, applied):
    owner = applied.users.get()
    data = _user_change_data(staff_client, owner, role="viewer")
    response = staff_client.post(reverse("admin:dealers_user_change", args=[owner.pk]), data)
    assert response.status_code == 200
    assert "at least one active owner" in str(response.context["adminform"].form.non_field_errors())
    owner.refresh_from_db()
    assert owner.role == "owner"


def test_admin_role_change_goes_through_the_service_and_is_audited(staff_client, staff, applied):
    buyer = DealerUserFactory(dealer=applied, role="buyer", order_limit=100)
    data = _user_change_data(staff_client, buyer, role="approver")
    assert staff_client.post(reverse("admin:dealers_user_change", args=[buyer.pk]), data).status_code == 302
    buyer.refresh_from_db()
    assert buyer.role == "approver" and buyer.order_limit is None
    entry = AuditEntry.objects.get(action="user.changed", target_id=str(buyer.pk))
    assert entry.actor == staff and entry.data["after"]["role"] == "approver"
