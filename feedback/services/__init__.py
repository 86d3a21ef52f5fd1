"""Every write and every rule of feedback (issue 17), one module per part:
- `nps`: the one scoring rule (kind_of, score), invitations after a delivery, answering through the signed link;
- `loop`: closing the loop (a detractor's ticket for the sales agent, thank-you and review/story invitations);
- `reviews`: verified-buyer reviews, moderation, photos, replies, helpful votes, the review reward;
- `stories`: success stories with the dealer's recorded consent;
- `survey`: the survey's settings row.
"""

__all__: list[str] = []  # each part adds its public functions here: `from .nps import ...` and `__all__ += [...]`

from .nps import (  # noqa: E402
    NpsResult,
    answer,
    answer_url,
    invitation_of_token,
    invitation_token,
    invite_due,
    kind_of,
    link_state,
    mark_opened,
    score,
)
from .survey import settings as survey_settings  # noqa: E402

__all__ += ["NpsResult", "answer", "answer_url", "invitation_of_token", "invitation_token", "invite_due", "kind_of",
            "link_state", "mark_opened", "score", "survey_settings"]

from .reviews import (  # noqa: E402
    anonymise_reviews_of,
    approve,
    author_label,
    check_photos,
    edit_review,
    end_reward_after_order,
    may_review,
    own_review,
    reject,
    reply,
    submit_review,
    unvote,
    verified_purchase,
    vote_helpful,
    why_not_review,
)

__all__ += ["anonymise_reviews_of", "approve", "author_label", "check_photos", "edit_review", "end_reward_after_order",
            "may_review", "own_review", "reject", "reply", "submit_review", "unvote", "verified_purchase", "vote_helpful",
            "why_not_review"]

from .loop import after_answer, loop_sales_agent, move_loop, ticket_body_for  # noqa: E402

__all__ += ["after_answer", "loop_sales_agent", "move_loop", "ticket_body_for"]

from .stories import (  # noqa: E402
    consent_is_current,
    consent_to_story,
    edit_story,
    publish_story,
    withdraw_story,
    write_story,
)

__all__ += ["consent_is_current", "consent_to_story", "edit_story", "publish_story", "withdraw_story", "write_story"]
