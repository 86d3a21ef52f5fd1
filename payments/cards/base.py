"""The card provider interface. The dealer types the card number on the provider's hosted page, never on the
portal: the portal sends the amount and a return address, and later learns the outcome by the provider's
reference. Money moves in three steps:

* `authorise` opens a hosted payment page for an amount and returns its address and the provider's reference;
  `authorisation_result` tells, by that reference, whether the dealer's card was authorised (asked by the portal
  when the dealer comes back, when the provider posts its reference to /payments/card/notify/, and by beat's
  sweep; so a forged return or notification proves nothing);
* `capture` takes (part of) the authorised amount, when the order is invoiced;
* `refund` pays captured money back, or releases an authorisation that was never captured.

A provider raises `ProviderError` when it cannot do what is asked (network, refusal): the portal then changes
nothing and tells finance, or retries (captures and releases run in Celery with retries)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal


class ProviderError(Exception):
    """The provider could not do it; the message is for finance and logs."""


@dataclass(frozen=True)
class HostedPage:
    reference: str
    url: str


@dataclass(frozen=True)
class Authorisation:
    status: str            # "authorised" | "declined" | "pending"
    amount: Decimal = Decimal("0.00")
    message: str = ""


class CardProvider(ABC):
    """One payment provider. Instances are cheap; the portal makes one per use."""

    #: Shown to staff (admin, audit) and stored on each card payment.
    name = ""

    @abstractmethod
    def authorise(self, *, amount: Decimal, currency: str, installments: int, order_number: str,
                  return_url: str) -> HostedPage:
        """Open a hosted payment page for `amount` (to be paid in `installments` by the card issuer). The
        provider sends the dealer back to `return_url` (with its reference) when the dealer has paid or given
        up."""

    @abstractmethod
    def authorisation_result(self, *, reference: str) -> Authorisation:
        """What became of the hosted page `reference`: authorised (with the amount), declined, or still pending."""

    @abstractmethod
    def capture(self, *, reference: str, amount: Decimal) -> None:
        """Take `amount` (at most the authorised amount) of the authorisation `reference`."""

    @abstractmethod
    def refund(self, *, reference: str, amount: Decimal) -> None:
        """Pay `amount` of what was captured back to the card; before any capture, release the authorisation."""
