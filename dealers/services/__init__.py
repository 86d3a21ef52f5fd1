"""Every write and every rule of dealers, one module per part of the stage; callers import from here."""
from .accounts import (
    OWNER_EDITABLE_FIELDS,
    STAFF_DEALER_FIELDS,
    STAFF_ONLY_FIELDS,
    accept_invitation,
    accept_terms,
    change_user,
    check_keeps_an_owner,
    current_terms,
    delete_address,
    forget_current_terms,
    invitation_url,
    invite_user,
    needs_terms_acceptance,
    save_address,
    staff_update_dealer,
    update_company_profile,
    user_for_invitation,
)
from .agents import start_acting, stop_acting
from .application import (
    COMPANY_FIELDS,
    Contact,
    check_delivery_address,
    check_document_file,
    check_tax_number,
    normalise_tax_number,
    submit_application,
)
from .lifecycle import (
    APPROVE,
    CODE_ALPHABET,
    CODE_LENGTH,
    MOVES,
    REACTIVATE,
    REJECT,
    SUSPEND,
    approve_dealer,
    generate_dealer_code,
    move_allowed,
    reactivate_dealer,
    reject_dealer,
    suspend_dealer,
)
from .terms import publish_terms

__all__ = [
    "APPROVE", "CODE_ALPHABET", "CODE_LENGTH", "COMPANY_FIELDS", "MOVES", "OWNER_EDITABLE_FIELDS", "REACTIVATE",
    "REJECT", "STAFF_DEALER_FIELDS", "STAFF_ONLY_FIELDS", "SUSPEND", "Contact", "accept_invitation", "accept_terms",
    "approve_dealer", "change_user", "check_delivery_address", "check_document_file", "check_keeps_an_owner",
    "check_tax_number", "current_terms", "delete_address", "forget_current_terms", "generate_dealer_code",
    "invitation_url", "invite_user", "move_allowed", "needs_terms_acceptance", "normalise_tax_number",
    "publish_terms", "reactivate_dealer", "reject_dealer", "save_address", "staff_update_dealer", "start_acting",
    "stop_acting", "submit_application", "suspend_dealer", "update_company_profile", "user_for_invitation",
]
