"""Who may do what in feedback."""


# --- Product reviews (F3) --------------------------------------------------------------------------------------------

# The dealer roles that write reviews (those who buy and use the goods); finance and viewers read them.
REVIEWER_ROLES = ("owner", "buyer", "approver")


def _user(actor):
    return getattr(actor, "user", actor)


def may_moderate(user) -> bool:
    """Approve, reject and reply to reviews, see the moderation queue and every review's photos: active staff
    holding the admin's right to change reviews (superusers, staff given `feedback.change_review`)."""
    user = _user(user)
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
                and user.has_perm("feedback.change_review"))


def is_reviewer_role(actor) -> bool:
    """A dealer user acting for its own dealer (never an agent for it, never staff) in a role that writes reviews."""
    from portal.actors import Actor

    if not isinstance(actor, Actor) or actor.on_behalf or actor.dealer is None:
        return False
    user = actor.user
    return bool(getattr(user, "is_authenticated", False) and user.is_active and not user.is_staff
                and user.dealer_id == actor.dealer.pk and user.role in REVIEWER_ROLES)


def may_edit_review(actor, review) -> bool:
    """Only the review's author edits it (as the dealer user it is)."""
    from portal.actors import Actor

    if not isinstance(actor, Actor) or actor.on_behalf:
        return False
    return review.user_id is not None and review.user_id == getattr(actor.user, "pk", None)


def may_see_review_photo(user, review) -> bool:
    """A review's photo: everyone signed in once the review is published; before that its author and moderators."""
    user = _user(user)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if review.status == "published":
        return True
    return review.user_id == user.pk or may_moderate(user)


def may_vote(actor, review) -> bool:
    """A helpful vote: a signed-in dealer user (not an agent for it, not staff), on someone else's published
    review."""
    from portal.actors import Actor

    if not isinstance(actor, Actor) or actor.on_behalf or actor.dealer is None:
        return False
    return review.status == "published" and review.user_id != actor.user.pk


REVIEW_PHOTO = "feedback.review_photo"  # the download kind of a review's photo (portal.documents), registered in apps


def can_read_review_photo(user, photo) -> bool:
    """portal.documents access of a ReviewPhoto: the review's visibility (may_see_review_photo)."""
    return may_see_review_photo(user, photo.review)


# --- Closing the loop and stories (F2) ------------------------------------------------------------------------------

def may_move_loop(user) -> bool:
    """Move a detractor follow-up by hand (open, contacted, resolved): active staff holding
    `feedback.change_detractorloop` (superusers included)."""
    user = _user(user)
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
                and user.has_perm("feedback.change_detractorloop"))


def may_edit_stories(user) -> bool:
    """Edit a story's published title and text, publish and withdraw it: active staff holding
    `feedback.change_story`."""
    user = _user(user)
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
                and user.has_perm("feedback.change_story"))


def may_write_story(actor, story) -> bool:
    """Write, consent to and withdraw a story: the owner of the story's dealer, acting for itself (never an agent
    for the dealer, never staff)."""
    from portal.actors import Actor

    if not isinstance(actor, Actor) or actor.on_behalf or actor.dealer is None:
        return False
    user = actor.user
    return bool(getattr(user, "is_authenticated", False) and user.is_active and not user.is_staff
                and user.dealer_id == actor.dealer.pk == story.dealer_id and user.role == "owner")


# --- The "voice of the dealer" dashboard and the staff exports (F5) --------------------------------------------------

def may_see_dashboard(user) -> bool:
    """The dashboard (`feedback:dashboard`), its CSV and the staff exports API: active staff holding
    `feedback.view_npsresponse` (superusers included)."""
    user = _user(user)
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
                and user.has_perm("feedback.view_npsresponse"))
