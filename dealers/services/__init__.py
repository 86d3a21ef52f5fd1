"""Every write and every rule of dealers, one module per part of the stage."""
from .accounts import (  # noqa: F401
    accept_invitation,
    accept_terms,
    change_user,
    delete_address,
    invite_user,
    needs_terms_acceptance,
    save_address,
    staff_update_dealer,
    update_company_profile,
)
from .agents import start_acting, stop_acting  # noqa: F401
from .application import check_document_file, submit_application  # noqa: F401
from .lifecycle import (  # noqa: F401
    approve_dealer,
    generate_dealer_code,
    reactivate_dealer,
    reject_dealer,
    suspend_dealer,
)
from .terms import publish_terms  # noqa: F401
