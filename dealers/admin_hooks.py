"""Hook points of the dealers admin for later stages (dealers must not import them): settings they add to the
approve page, and boxes they add to a dealer's page. Registered in the later app's AppConfig.ready()."""

# fn(form, user) adds fields to the approve page's form for the staff `user` who approves (payments: credit limit,
# payment terms, payment methods; read-only for staff without the finance permission). Returns the names of the
# fields whose cleaned values go to approve_dealer(setup=...); fields not returned are only shown.
_approval_form_parts = []
# fn(request, dealer) -> HTML (SafeString) or "" for a box on the dealer's admin page (payments: its credit account).
_dealer_panels = []


def add_approval_fields(fn):
    if fn not in _approval_form_parts:
        _approval_form_parts.append(fn)
    return fn


def add_dealer_panel(fn):
    if fn not in _dealer_panels:
        _dealer_panels.append(fn)
    return fn


def extend_approval_form(form, user) -> list[str]:
    names = []
    for fn in list(_approval_form_parts):
        names += list(fn(form, user) or [])
    return names


def dealer_panels(request, dealer) -> list:
    return [html for html in (fn(request, dealer) for fn in list(_dealer_panels)) if html]
