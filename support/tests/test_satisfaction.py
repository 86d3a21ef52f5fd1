"""Satisfaction (issue 15, section 6): the dealer is asked once on resolution, by a mail whose signed link leads to
the rating page; a ticket is rated once (1–5 and a comment) by a user of its dealer who may see it."""
import pytest
from django.core import signing
from django.urls import reverse

from portal.models import Notification
from portal.outbox import render_notification
from portal.testing import actor_of
from support.errors import AlreadyRated, NotRateable, RatingInvalid, RatingNotAllowed
from support.models import TICKET, Satisfaction
from support.services import rate_ticket, rate_token
from support.testing import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(dealer, buyer):
    return TicketFactory(dealer=dealer, opened_by=buyer, subject="Broken lamp", status="open")


def move(ticket, to):
    TICKET.move(ticket, to=to, actor=None)
    ticket.refresh_from_db()


def asked_mails(ticket):
    return Notification.objects.filter(template="support/satisfaction_asked", context__number=ticket.number)


def test_resolving_asks_the_opener_once_even_after_a_reopen(ticket, buyer):
    move(ticket, "resolved")
    assert ticket.satisfaction_asked_at is not None
    mail = asked_mails(ticket).get()
    assert mail.recipient == buyer.email
    subject, text, html = render_notification(mail)
    assert subject == f"How did we do on ticket {ticket.number}?"
    assert "/support/rate/" in text and "Broken lamp" in text
    move(ticket, "open")
    move(ticket, "resolved")
    move(ticket, "closed")
    assert asked_mails(ticket).count() == 1


def test_the_mail_is_in_the_openers_language(dealer):
    from dealers.testing import DealerUserFactory

    turkish = DealerUserFactory(dealer=dealer, role="buyer", language="tr")
    ticket = TicketFactory(dealer=dealer, opened_by=turkish, status="open")
    move(ticket, "resolved")
    assert asked_mails(ticket).get().language == "tr"


def test_a_ticket_is_rated_once(ticket, buyer):
    move(ticket, "resolved")
    rating = rate_ticket(actor=actor_of(buyer), ticket=ticket, rating=4, comment="Quick, thanks")
    assert (rating.rating, rating.comment, rating.rated_by) == (4, "Quick, thanks", buyer)
    with pytest.raises(AlreadyRated) as second:
        rate_ticket(actor=actor_of(buyer), ticket=ticket, rating=1)
    assert second.value.http_status == 409 and second.value.code == "support.already_rated"
    assert Satisfaction.objects.get(ticket=ticket).rating == 4


def test_only_a_resolved_or_closed_ticket_with_a_rating_from_1_to_5(ticket, buyer):
    with pytest.raises(NotRateable):
        rate_ticket(actor=actor_of(buyer), ticket=ticket, rating=5)
    move(ticket, "resolved")
    for bad in (0, 6, "x"):
        with pytest.raises(RatingInvalid):
            rate_ticket(actor=actor_of(buyer), ticket=ticket, rating=bad)
    assert not Satisfaction.objects.exists()


def test_who_may_rate(ticket, owner, viewer, agent, dealer, other_owner):
    move(ticket, "resolved")
    for actor in (actor_of(viewer), actor_of(agent, dealer), actor_of(other_owner)):
        with pytest.raises(RatingNotAllowed):
            rate_ticket(actor=actor, ticket=ticket, rating=5)
    assert rate_ticket(actor=actor_of(owner), ticket=ticket, rating=5).rated_by == owner


def test_the_rating_page(client, ticket, buyer):
    move(ticket, "resolved")
    client.force_login(buyer)
    url = reverse("support:rate", args=[ticket.number])
    page = client.get(url)
    assert page.status_code == 200 and 'id="rate-form"' in page.content.decode()
    answer = client.post(url, {"rating": "2", "comment": "Took a while"}, follow=True)
    body = answer.content.decode()
    assert f"Thank you for rating ticket {ticket.number}." in body
    assert "2 out of 5" in body and "Took a while" in body and 'id="rate-form"' not in body
    again = client.post(url, {"rating": "5"})
    assert Satisfaction.objects.get(ticket=ticket).rating == 2 and 'id="rate-form"' not in again.content.decode()


def test_an_open_ticket_says_it_is_not_rateable_yet(client, ticket, buyer):
    client.force_login(buyer)
    body = client.get(reverse("support:rate", args=[ticket.number])).content.decode()
    assert "A ticket can be rated once it is resolved." in body and 'id="rate-form"' not in body


def test_another_dealers_user_gets_a_404(client, ticket, other_owner, viewer):
    move(ticket, "resolved")
    for user in (other_owner, viewer):
        client.force_login(user)
        assert client.get(reverse("support:rate", args=[ticket.number])).status_code == 404
        assert client.post(reverse("support:rate", args=[ticket.number]), {"rating": "1"}).status_code == 404
        assert client.get(reverse("support:rate_link", args=[rate_token(ticket, user)])).status_code == 404
    assert not Satisfaction.objects.exists()


def test_the_mailed_link_works_signed_in_and_after_logging_in(client, ticket, buyer):
    move(ticket, "resolved")
    link = render_notification(asked_mails(ticket).get())[1].split("http://")[1].split()[0]
    path = link[link.index("/"):]
    answer = client.get(path)
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"] and "next=" in answer["Location"]
    client.force_login(buyer)
    answer = client.get(path, follow=True)
    assert answer.redirect_chain[-1][0] == reverse("support:rate", args=[ticket.number])
    assert 'id="rate-form"' in answer.content.decode()


def test_a_forged_or_expired_link_is_a_404(client, ticket, buyer, monkeypatch):
    move(ticket, "resolved")
    client.force_login(buyer)
    forged = signing.dumps({"t": ticket.pk, "u": buyer.pk}, salt="another salt")
    assert client.get(reverse("support:rate_link", args=[forged])).status_code == 404
    token = rate_token(ticket, buyer)
    monkeypatch.setattr("support.services.satisfaction.RATE_TOKEN_MAX_AGE", -1)
    assert client.get(reverse("support:rate_link", args=[token])).status_code == 404


def test_the_satisfaction_tag_shows_the_rating_and_the_rate_button(rf, ticket, buyer, staff):
    from django.template import Context, Template

    from dealers.selectors import actor_for

    move(ticket, "resolved")
    template = Template("{% load satisfaction_tags %}{% ticket_satisfaction ticket %}")

    def shown(user):
        request = rf.get("/")
        request.user = user
        request.actor = actor_for(user=user, session={})
        return template.render(Context({"ticket": ticket, "request": request}))

    assert reverse("support:rate", args=[ticket.number]) in shown(buyer)
    assert "Satisfaction asked, not rated yet." in shown(staff)
    rate_ticket(actor=actor_of(buyer), ticket=ticket, rating=5, comment="Great")
    for user in (buyer, staff):
        assert "5 out of 5" in shown(user) and "Great" in shown(user)
