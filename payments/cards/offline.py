"""OfflineTestProvider: a stand-in card provider for development and tests. NOT A PAYMENT PROVIDER: no bank is
contacted, no card is charged, no money moves. Its "hosted page" is a page of the portal itself
(/payments/card/offline-test/<reference>/) with two buttons, Approve and Decline, and no card fields; what it
"knows" is kept in the cache (Redis). Never configure it in production."""
from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.cache import cache
from django.urls import reverse
from django.utils.http import urlencode

from .base import Authorisation, CardProvider, HostedPage, ProviderError

KEY = "payments:offline-card:{reference}"
# The test provider's memory: long enough for an order to be shipped (and captured) weeks later.
KEEP_SECONDS = 400 * 24 * 3600


class OfflineTestProvider(CardProvider):
    name = "offline-test"

    # --- what the portal calls ---------------------------------------------------------------------------------

    def authorise(self, *, amount, currency, installments, order_number, return_url) -> HostedPage:
        reference = f"offline-test-{uuid.uuid4().hex}"
        self._save(reference, {"status": "pending", "amount": str(amount), "currency": currency,
                               "installments": installments, "order": order_number, "return_url": return_url,
                               "captured": "0.00", "refunded": "0.00"})
        return HostedPage(reference=reference, url=reverse("payments:offline_card_page", args=[reference]))

    def authorisation_result(self, *, reference) -> Authorisation:
        state = self.state(reference)
        if state is None:
            raise ProviderError(f"unknown reference {reference}")
        if state["status"] in ("authorised", "captured", "refunded", "released"):
            return Authorisation("authorised", Decimal(state["amount"]))
        return Authorisation(state["status"], Decimal("0.00"),
                             "Declined on the offline test page." if state["status"] == "declined" else "")

    def capture(self, *, reference, amount) -> None:
        state = self._require(reference, "authorised")
        if Decimal(amount) > Decimal(state["amount"]):
            raise ProviderError("capture above the authorised amount")
        state.update({"status": "captured", "captured": str(amount)})  # the fake bank's record, not a lifecycle
        self._save(reference, state)

    def refund(self, *, reference, amount) -> None:
        state = self.state(reference)
        if state is None:
            raise ProviderError(f"unknown reference {reference}")
        if state["status"] == "authorised":
            state["status"] = "released"
        elif state["status"] in ("captured", "refunded"):
            refunded = Decimal(state["refunded"]) + Decimal(amount)
            if refunded > Decimal(state["captured"]):
                raise ProviderError("refund above the captured amount")
            state.update({"status": "refunded", "refunded": str(refunded)})
        else:
            raise ProviderError(f"nothing to refund on {reference} ({state['status']})")
        self._save(reference, state)

    # --- the offline "hosted page" -----------------------------------------------------------------------------

    def state(self, reference) -> dict | None:
        return cache.get(KEY.format(reference=reference))

    def decide(self, reference, *, approve: bool) -> str:
        """The test page's buttons: authorise or decline, then the address to send the dealer back to."""
        state = self._require(reference, "pending")
        state["status"] = "authorised" if approve else "declined"
        self._save(reference, state)
        return f"{state['return_url']}?{urlencode({'reference': reference})}"

    def _require(self, reference, status) -> dict:
        state = self.state(reference)
        if state is None or state["status"] != status:
            raise ProviderError(f"{reference} is not {status}")
        return state

    def _save(self, reference, state) -> None:
        cache.set(KEY.format(reference=reference), state, KEEP_SECONDS)
