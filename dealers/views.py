"""HTML views of dealers: parse → service/selector → render; a DomainError becomes a form error."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import documents, uploads
from portal.errors import DomainError, add_to_form
from portal.http import client_ip

from . import permissions, selectors, services
from .forms import (
    AcceptTermsForm,
    AddressForm,
    CompanyForm,
    DealerApplicationForm,
    InviteForm,
    SetPasswordForm,
    UserEditForm,
)
from .models import Address, Dealer, TermsVersion
from .selectors import ACTING_SESSION_KEY
from .services import Contact


def dealer_page(view=None, *, ability=None, approved=True):
    """A page of the dealer area: needs a dealer to act for (own, or chosen by an agent); an unapproved
    dealer's users see only the status page; `ability` from permissions.py, else 404-free 403 page."""

    def decorate(fn):
        @wraps(fn)
        @login_required
        def wrapper(request, *args, **kwargs):
            actor = request.actor
            if actor.dealer is None:
                if request.user.is_sales_agent:
                    messages.info(request, _("Choose a dealer to act for first."))
                    return redirect("dealers:agent_dealers")
                raise Http404
            if approved and not actor.dealer.is_approved:
                return redirect("dealers:status")
            if ability and not permissions.can(actor, ability):
                return render(request, "dealers/forbidden.html", status=403)
            return fn(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view else decorate


# --- The public application ---------------------------------------------------------------------

def apply(request):
    if request.user.is_authenticated and request.user.dealer_id:
        return redirect("dealers:dashboard")
    form = DealerApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dealer = services.submit_application(
                company={k: data[k] for k in form.COMPANY_FIELDS + form.SHIPPING_FIELDS},
                contact=Contact(first_name=data["contact_first_name"], last_name=data["contact_last_name"],
                                email=data["contact_email"], phone=data["contact_phone"], password=data["password"]),
                documents=form.documents(),
                accept_terms_version=form.terms.version if form.terms and data.get("accept_terms") else None,
                language=request.LANGUAGE_CODE, ip_address=client_ip(request),
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            request.session["applied_dealer"] = dealer.pk
            return redirect("dealers:apply_done")
    return render(request, "dealers/apply.html", {"form": form})


def apply_done(request):
    dealer = Dealer.objects.filter(pk=request.session.get("applied_dealer")).first()
    if dealer is None:
        return redirect("dealers:apply")
    return render(request, "dealers/apply_done.html", {"dealer": dealer})


@login_required
def download_document(request, token):
    """An application document by its signed id, for whom can_read_dealer_document lets through (else 404), under
    the extension of its detected type."""
    doc = selectors.get_dealer_document(token=token)
    documents.check_download(request.user, permissions.DEALER_DOCUMENT, doc, dealer_id=doc.dealer_id)
    return uploads.file_response(doc.file, filename=f"{doc.doc_type.code}-{doc.dealer.code or doc.dealer_id}",
                                 extension=uploads.EXTENSIONS.get(doc.content_type), content_type=doc.content_type)


# --- The dealer's account area ------------------------------------------------------------------

@dealer_page
def dashboard(request):
    actor = request.actor
    return render(request, "dealers/dashboard.html", {
        "dealer": actor.dealer,
        "can_manage": permissions.can_manage_users(actor),
        "can_addresses": permissions.can(actor, permissions.MANAGE_ADDRESSES),
        "abilities": permissions.abilities(actor),
    })


@dealer_page(approved=False)
def status(request):
    dealer = request.actor.dealer
    if dealer.is_approved:
        return redirect("dealers:dashboard")
    return render(request, "dealers/status.html", {"dealer": dealer})


@login_required
def terms(request):
    current = services.needs_terms_acceptance(request.user) or TermsVersion.objects.current()
    if current is None:
        return redirect("home")
    accepted = services.needs_terms_acceptance(request.user) is None
    form = AcceptTermsForm(request.POST or None)
    if request.method == "POST" and not accepted and form.is_valid():
        services.accept_terms(user=request.user, terms=current, ip_address=client_ip(request))
        nxt = request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
            nxt = reverse("dealers:dashboard")
        return redirect(nxt)
    return render(request, "dealers/terms.html", {"terms": current, "form": form, "accepted": accepted})


@dealer_page(ability=permissions.BROWSE)
def company(request):
    actor = request.actor
    editable = permissions.may_edit_company(actor, actor.dealer)
    form = CompanyForm(request.POST or None, instance=Dealer.objects.get(pk=actor.dealer.pk)) if editable else None
    if request.method == "POST" and editable and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.update_company_profile(actor=actor, changes=changes, ip_address=client_ip(request))
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Company details saved."))
            return redirect("dealers:company")
    return render(request, "dealers/company.html", {"dealer": actor.dealer, "form": form})


@dealer_page(ability=permissions.BROWSE)
def addresses(request):
    actor = request.actor
    rows = selectors.list_addresses(actor=actor)
    return render(request, "dealers/addresses.html", {
        "billing": [a for a in rows if a.kind == Address.Kind.BILLING],
        "shipping": [a for a in rows if a.kind == Address.Kind.SHIPPING],
        "can_edit": permissions.can(actor, permissions.MANAGE_ADDRESSES),
    })


@dealer_page(ability=permissions.MANAGE_ADDRESSES)
def address_edit(request, pk=None):
    actor = request.actor
    address = selectors.get_address(actor=actor, pk=pk) if pk else None
    form = AddressForm(request.POST or None, instance=address,
                       initial=None if address else {"kind": request.GET.get("kind", Address.Kind.SHIPPING)})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_address(actor=actor, address=address, data=form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Address saved."))
            return redirect("dealers:addresses")
    return render(request, "dealers/address_form.html", {"form": form, "address": address})


@require_POST
@dealer_page(ability=permissions.MANAGE_ADDRESSES)
def address_delete(request, pk):
    address = selectors.get_address(actor=request.actor, pk=pk)
    services.delete_address(actor=request.actor, address=address)
    messages.success(request, _("Address deleted."))
    return redirect("dealers:addresses")


def _manage_users_page(fn):
    @wraps(fn)
    @dealer_page(ability=permissions.MANAGE_COMPANY)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_manage_users(request.actor):
            return render(request, "dealers/forbidden.html", status=403)
        return fn(request, *args, **kwargs)

    return wrapper


@_manage_users_page
def users(request):
    return render(request, "dealers/users.html", {"users": selectors.list_users(actor=request.actor)})


@_manage_users_page
def user_invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invite_user(actor=request.actor, email=data["email"], first_name=data["first_name"],
                                 last_name=data["last_name"], role=data["role"], order_limit=data["order_limit"],
                                 language=request.LANGUAGE_CODE, phone=data["phone"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
            return redirect("dealers:users")
    return render(request, "dealers/user_invite.html", {"form": form})


@_manage_users_page
def user_edit(request, pk):
    target = selectors.get_user(actor=request.actor, pk=pk)
    form = UserEditForm(request.POST or None, initial={
        "role": target.role, "order_limit": target.order_limit, "is_active": target.is_active, "phone": target.phone})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_user(actor=request.actor, user=target, role=data["role"], order_limit=data["order_limit"],
                                 clear_order_limit=data["order_limit"] is None, is_active=data["is_active"],
                                 phone=data["phone"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": target})
            return redirect("dealers:users")
    return render(request, "dealers/user_edit.html", {"form": form, "target": target})


def invitation(request, uidb64, token):
    """An invited colleague (or an owner whose company was registered through the API) sets a password."""
    user = services.user_for_invitation(uidb64, token)
    if user is None:
        return render(request, "dealers/invitation_invalid.html", status=400)
    terms_version = services.needs_terms_acceptance(user)
    form = SetPasswordForm(request.POST or None, terms=terms_version)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(user=user, password=form.cleaned_data["password"],
                                       accept_terms_version=terms_version.version if terms_version else None,
                                       ip_address=client_ip(request))
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            login(request, user, backend="dealers.backends.DealerUserBackend")
            messages.success(request, _("Welcome! Your password is set."))
            return redirect("dealers:dashboard")
    return render(request, "dealers/invitation.html", {"form": form, "invitee": user})


# --- Sales agents -------------------------------------------------------------------------------

def _agent_only(fn):
    @wraps(fn)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_sales_agent):
            raise Http404
        return fn(request, *args, **kwargs)

    return wrapper


@_agent_only
def agent_dealers(request):
    search = request.GET.get("q", "").strip()
    return render(request, "dealers/agent_dealers.html", {
        "dealers": selectors.list_agent_dealers(agent=request.user, search=search), "q": search})


@require_POST
@_agent_only
def act_for(request, pk):
    dealer = services.start_acting(agent=request.user, dealer_id=pk, ip_address=client_ip(request))
    request.session[ACTING_SESSION_KEY] = dealer.pk
    messages.success(request, _("You are now acting for %(dealer)s.") % {"dealer": dealer})
    return redirect("dealers:dashboard")


@require_POST
@login_required
def stop_acting(request):
    actor = request.actor
    if actor.on_behalf:
        services.stop_acting(agent=request.user, dealer=actor.dealer, ip_address=client_ip(request))
    request.session.pop(ACTING_SESSION_KEY, None)
    return redirect("dealers:agent_dealers" if request.user.is_staff else "home")
