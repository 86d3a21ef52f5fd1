"""Hook points of dealers (portal/hooks.py): how later stages set up a new dealer and add to the dealers admin.
Registered in the later app's AppConfig.ready(). The lifecycle's own points (`dealers.dealer.guard`,
`dealers.dealer.moved`) are declared by models.DEALER."""
from portal import hooks

approved = hooks.point(
    "dealers.approved", args=("dealer", "actor", "setup"),
    doc="Inside the approval's transaction: set the new dealer up (payments: its credit account). `setup` holds what "
        "staff chose on the approve page (each takes its own keys); a DomainError refuses the approval.")

approval_fields = hooks.point(
    "dealers.approval_fields", args=("form", "user"),
    doc="Add fields to the admin's approve page for the staff `user`; return the names whose cleaned values go to "
        "approve_dealer(setup=...) (fields not returned are only shown).")

dealer_panel = hooks.point(
    "dealers.dealer_panel", args=("request", "dealer"),
    doc="HTML (or \"\") of a box on the dealer's admin page (payments: its credit account).")
