"""Who acts, and for which dealer: resolved once per request (dealers.middleware) and passed to services."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """`user` does the act; `dealer` is the company it acts for (its own, or the one an agent acts for).

    `on_behalf` is true when a sales agent acts for a dealer: every write then records both.
    """

    user: object
    dealer: object = None
    on_behalf: bool = False

    @property
    def is_staff(self):
        return bool(getattr(self.user, "is_staff", False))

    @property
    def role(self):
        return None if self.on_behalf else getattr(self.user, "role", None)

    def audit_data(self, **data):
        if self.on_behalf:
            data["on_behalf_of"] = self.dealer.pk if self.dealer else None
        return data
