"""Reviews as the catalog shows them (issue 17 §3): the product page's "Reviews" section (anonymised reviewers, only
published reviews, sorting and the star filter, the histogram, the average, "Helpful", how reviews are checked, the
discount disclosure, the "Write a review" box) and the average stars and count on the catalog's cards, cached under
the catalog version and fresh after an approval."""
import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.testing import CategoryFactory, ProductFactory
from dealers.testing import DealerFactory, DealerUserFactory
from feedback import selectors, services
from feedback.models import Review, ReviewPhoto, ReviewStatus, ReviewVote
from feedback.testing import ReviewFactory, deliver, review_of
from portal.actors import Actor
from support.testing import png_upload

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:list")


@pytest.fixture
def lamp():
    return ProductFactory(sku="LMP-1", name="Desk lamp", category=CategoryFactory(name="Lamps", slug="lamps"))


def _published(product, stars=4, *, when=None, **fields):
    """A published review written straight into the table (by a fresh dealer unless given)."""
    when = when or timezone.now()
    return ReviewFactory(product=product, stars=stars, status=ReviewStatus.PUBLISHED, published_at=when,
                         submitted_at=when, **fields)


def _page(client, product, **params):
    response = client.get(reverse("catalog:product", args=[product.sku]), params)
    assert response.status_code == 200
    return response.content.decode()


def _reviews_section(html):
    return html[html.index('id="reviews"'):]


def _titles(html):
    return re.findall(r'class="review-title">([^<]+)<', html)


# --- Who wrote it ------------------------------------------------------------------------------------------------------

def test_a_review_shows_the_dealers_city_and_tier_never_the_company_or_the_persons_name(signed_in, lamp):
    izmir = DealerFactory(city="İzmir", tier="gold", legal_name="Karaosmanoğlu Elektrik Ltd. Şti.",
                          trade_name="Karaosmanoğlu Elektrik")
    author = DealerUserFactory(dealer=izmir, first_name="Ayşe", last_name="Yıldırım", email="ayse@izmir.example.com")
    _published(lamp, 5, user=author, dealer=izmir, title="Bright and steady", company_name=str(izmir))
    html = _reviews_section(_page(signed_in, lamp))
    assert "A dealer in İzmir, gold tier" in html
    assert "Karaosmanoğlu" not in html and "Ayşe" not in html and "Yıldırım" not in html and "ayse@" not in html
    assert "Verified buyer" in html


def test_the_company_is_named_only_when_the_dealer_opted_in(signed_in, lamp):
    ankara = DealerFactory(city="Ankara", tier="silver", trade_name="Başkent Aydınlatma")
    _published(lamp, 4, dealer=ankara, show_company=True, company_name="Başkent Aydınlatma", title="Opted in")
    _published(lamp, 3, dealer=DealerFactory(city="Bursa", tier="standard"), show_company=False,
               company_name="Hidden Company Ltd.", title="Not opted in")
    html = _reviews_section(_page(signed_in, lamp))
    assert "Başkent Aydınlatma" in html and "A dealer in Ankara, silver tier" in html
    assert "Hidden Company" not in html and "A dealer in Bursa, standard tier" in html


def test_a_deleted_users_review_still_counts_and_stays_anonymous(signed_in, lamp):
    author = DealerUserFactory(dealer=DealerFactory(city="Konya", tier="key_account"))
    review = _published(lamp, 2, user=author, dealer=author.dealer, show_company=True, company_name="Konya Ltd.",
                        title="Flickers after a month")
    _published(lamp, 4)
    author.delete()
    review.refresh_from_db()
    assert review.user_id is None
    assert selectors.review_summary(product_ids=[lamp.pk]) == {lamp.pk: (Decimal("3.0"), 2)}
    html = _reviews_section(_page(signed_in, lamp))
    assert "Flickers after a month" in html and "A dealer in Konya, key account" in html
    assert "Konya Ltd." not in html


# --- What is shown -----------------------------------------------------------------------------------------------------

def test_only_published_reviews_are_shown_and_counted(signed_in, lamp):
    _published(lamp, 5, title="Published one")
    ReviewFactory(product=lamp, stars=1, title="Waiting one", status=ReviewStatus.PENDING)
    ReviewFactory(product=lamp, stars=1, title="Rejected one", status=ReviewStatus.REJECTED,
                  rejection_reason="Off topic")
    html = _page(signed_in, lamp)
    assert _titles(html) == ["Published one"]
    assert "Waiting one" not in html and "Rejected one" not in html and "Off topic" not in html
    assert "5.0 out of 5" in html and "1 review<" in html


def test_sorting_and_the_star_filter(signed_in, lamp):
    now = timezone.now()
    _published(lamp, 2, title="Old and low", when=now - datetime.timedelta(days=3), helpful_count=9)
    _published(lamp, 5, title="Middle and high", when=now - datetime.timedelta(days=2), helpful_count=1)
    _published(lamp, 4, title="New and good", when=now - datetime.timedelta(days=1), helpful_count=4)
    assert _titles(_page(signed_in, lamp)) == ["New and good", "Middle and high", "Old and low"]  # newest first
    assert _titles(_page(signed_in, lamp, rsort="highest")) == ["Middle and high", "New and good", "Old and low"]
    assert _titles(_page(signed_in, lamp, rsort="lowest")) == ["Old and low", "New and good", "Middle and high"]
    assert _titles(_page(signed_in, lamp, rsort="helpful")) == ["Old and low", "New and good", "Middle and high"]
    filtered = _page(signed_in, lamp, rstars="2")
    assert _titles(filtered) == ["Old and low"] and "Showing 2-star reviews only." in filtered
    assert _titles(_page(signed_in, lamp, rstars="3")) == [] and "No reviews with these stars." in _page(
        signed_in, lamp, rstars="3")
    # Nonsense in the query string is the default view, never an error.
    assert _titles(_page(signed_in, lamp, rsort="x", rstars="9", rpage="99999999999999999999")) == [
        "New and good", "Middle and high", "Old and low"]
    # The htmx fragment answers the same section on its own.
    fragment = signed_in.get(reverse("feedback:product_reviews", args=[lamp.pk]), {"rsort": "lowest"})
    assert fragment.status_code == 200 and _titles(fragment.content.decode())[0] == "Old and low"
    assert "<html" not in fragment.content.decode()


def test_pages_of_reviews(signed_in, lamp):
    start = timezone.now()
    for i in range(12):
        _published(lamp, 4, title=f"Review number {i:02d}", when=start - datetime.timedelta(hours=i))
    first = _page(signed_in, lamp)
    assert len(_titles(first)) == selectors.REVIEWS_PER_PAGE and "Page 1 of 2" in first
    second = _page(signed_in, lamp, rpage="2")
    assert _titles(second) == ["Review number 10", "Review number 11"] and "Page 2 of 2" in second


def test_the_histogram_and_the_average(signed_in, lamp):
    for stars in (5, 5, 5, 4, 2, 1):
        _published(lamp, stars)
    assert selectors.star_histogram(product=lamp) == [(5, 3, 50), (4, 1, 17), (3, 0, 0), (2, 1, 17), (1, 1, 17)]
    summary = selectors.review_summary(product_ids=[lamp.pk])
    average, count = summary[lamp.pk]
    assert isinstance(average, Decimal) and average == Decimal("3.7") and count == 6  # 22 / 6 = 3.67
    html = _reviews_section(_page(signed_in, lamp))
    assert "3.7 out of 5" in html and "6 reviews" in html
    histogram = html[html.index("reviews-histogram"):html.index("</table>")]
    assert "5 stars" in histogram and "1 star<" in histogram and "(50 %)" in histogram
    assert 'width="50"' in histogram  # the bar of the 5-star row is drawn to its share


def test_review_summary_is_one_query_for_many_products_and_leaves_out_products_without_reviews(
        lamp, django_assert_num_queries):
    other, silent = ProductFactory(), ProductFactory()
    for stars in (5, 4, 4):
        _published(lamp, stars)
    _published(other, 1)
    ReviewFactory(product=silent, stars=5)  # waiting: does not count
    with django_assert_num_queries(1):
        summary = selectors.review_summary(product_ids=[lamp.pk, other.pk, silent.pk])
    assert summary == {lamp.pk: (Decimal("4.3"), 3), other.pk: (Decimal("1.0"), 1)}


def test_the_note_on_how_reviews_are_checked_and_the_discount_disclosure(signed_in, lamp):
    _published(lamp, 5, title="Rewarded one", rewarded=True)
    _published(lamp, 3, title="Plain one")
    html = _reviews_section(_page(signed_in, lamp))
    assert "How reviews are checked" in html
    assert "Only users of dealers who received this product" in html and "positive and negative reviews" in html
    items = html.split('<li class="review"')[1:]
    rewarded, = [item for item in items if "Rewarded one" in item]
    plain, = [item for item in items if "Plain one" in item]
    assert "The reviewer received a discount" in rewarded and "received a discount" not in plain


def test_photos_and_the_sellers_reply(signed_in, lamp, settings):
    review = _published(lamp, 4, title="With photos", reply="Thank you, a spare driver is on its way.")
    photos = [ReviewPhoto.objects.create(review=review, file=png_upload(f"p{i}.png"), content_type="image/png",
                                         size=100) for i in range(2)]
    html = _reviews_section(_page(signed_in, lamp))
    for photo in photos:
        url = reverse("feedback:review_photo", args=[photo.pk])
        assert f'<a href="{url}"><img src="{url}"' in html
    assert f"Reply from {settings.COMPANY['name']}" in html and "a spare driver is on its way" in html
    assert signed_in.get(reverse("feedback:review_photo", args=[photos[0].pk])).status_code == 200


def test_a_product_without_reviews_says_so_and_its_card_shows_no_stars(signed_in, lamp):
    html = _page(signed_in, lamp)
    assert "No reviews yet." in html and "out of 5" not in html and "card-rating" not in html
    listing = signed_in.get(LIST).content.decode()
    assert "Desk lamp" in listing and "card-rating" not in listing and "out of 5" not in listing


# --- "Helpful" -------------------------------------------------------------------------------------------------------

def test_helpful_is_offered_on_others_reviews_not_on_ones_own_and_toggles(client, owner, lamp):
    mine = _published(lamp, 5, user=owner, dealer=owner.dealer, title="Mine")
    theirs = _published(lamp, 3, title="Theirs")
    client.force_login(owner)
    html = _reviews_section(_page(client, lamp))
    assert f'id="helpful-{theirs.pk}"' in html
    assert reverse("feedback:review_helpful", args=[theirs.pk]) in html
    assert reverse("feedback:review_helpful", args=[mine.pk]) not in html
    url = reverse("feedback:review_helpful", args=[theirs.pk])
    answer = client.post(url, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "Helpful (1)" in answer.content.decode()
    assert 'aria-pressed="true"' in answer.content.decode()
    assert ReviewVote.objects.filter(review=theirs, user=owner).count() == 1
    answer = client.post(url, HTTP_HX_REQUEST="true")  # again: takes the vote back
    assert "Helpful (0)" in answer.content.decode() and not ReviewVote.objects.filter(review=theirs).exists()
    # One's own review: refused with the reason, nothing counted.
    answer = client.post(reverse("feedback:review_helpful", args=[mine.pk]), HTTP_HX_REQUEST="true")
    assert "not your own" in answer.content.decode() and not ReviewVote.objects.filter(review=mine).exists()
    # Without htmx: back to the review on the product page.
    answer = client.post(url)
    assert answer.status_code == 302 and answer["Location"].endswith(f"#review-{theirs.pk}")
    assert Review.objects.get(pk=theirs.pk).helpful_count == 1


def test_staff_and_unpublished_reviews_get_no_helpful_button(staff_client, lamp):
    review = _published(lamp, 4, helpful_count=2)
    waiting = ReviewFactory(product=lamp, stars=4)
    html = _reviews_section(_page(staff_client, lamp))
    assert reverse("feedback:review_helpful", args=[review.pk]) not in html
    assert "2 readers found this helpful" in html
    assert staff_client.post(reverse("feedback:review_helpful", args=[waiting.pk])).status_code == 404
    assert not ReviewVote.objects.exists()


# --- "Write a review" --------------------------------------------------------------------------------------------------

def test_the_write_a_review_box_for_a_buyer_a_reviewer_and_someone_who_did_not_receive_it(
        client, owner, staff, lamp, market):
    _sellable(lamp, market, owner)
    box = reverse("feedback:review_action", args=[lamp.pk])
    client.force_login(owner)
    html = _page(client, lamp)
    assert f'hx-get="{box}"' in html  # asked after the page loaded
    assert "Only buyers who have received this product can review it." in client.get(box).content.decode()

    deliver(Actor(user=owner, dealer=owner.dealer), lamp, staff=staff)
    answer = client.get(box).content.decode()
    assert "Write a review" in answer and reverse("feedback:review_new", args=[lamp.pk]) in answer

    review = review_of(Actor(user=owner, dealer=owner.dealer), lamp, stars=5)
    answer = client.get(box).content.decode()
    assert "Edit your review" in answer and reverse("feedback:review_edit", args=[review.pk]) in answer
    assert "Waiting for moderation" in answer


def _sellable(product, market, owner):
    """A market price for the product and addresses for the owner's dealer: it can be ordered and delivered."""
    from orders.testing import with_addresses
    from pricing.testing import PriceListItemFactory

    PriceListItemFactory(price_list=market, product=product, unit_price=Decimal("80.00"))
    with_addresses(owner.dealer)


# --- Cards and the catalog version -------------------------------------------------------------------------------------

def test_cards_show_the_average_and_the_count_and_an_approval_refreshes_the_cached_list(
        client, owner, staff, lamp, market, django_capture_on_commit_callbacks):
    _sellable(lamp, market, owner)
    for stars in (5, 4):
        _published(lamp, stars)
    client.force_login(owner)
    first = client.get(LIST).content.decode()
    card = first[first.index('data-sku="LMP-1"'):]
    assert "4.5 out of 5 stars, 2 reviews" in card and "4.5 (2)" in card
    # The list is cached: a write that goes round the services and signals (a bulk update) is not seen...
    Review.objects.filter(product=lamp, stars=4).update(stars=2)
    assert "4.5 (2)" in client.get(LIST).content.decode()

    actor = Actor(user=owner, dealer=owner.dealer)
    deliver(actor, lamp, staff=staff)
    review = review_of(actor, lamp, stars=1, title="Broke in a week")
    assert "4.5 (2)" in client.get(LIST).content.decode()  # waiting for moderation: not counted
    # ... but an approval is, at once: (5 + 2 + 1) / 3.
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(actor=staff, review=review)
    fresh = client.get(LIST).content.decode()
    assert "2.7 out of 5 stars, 3 reviews" in fresh and "2.7 (3)" in fresh
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(actor=staff, review=review, reason="Describes another product.")
    assert "3.5 (2)" in client.get(LIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Review.objects.filter(status=ReviewStatus.PUBLISHED).first().delete()
    assert "(1)" in client.get(LIST).content.decode()


def test_the_product_page_shows_the_average_under_its_name(signed_in, lamp):
    for stars in (5, 4, 4):
        _published(lamp, stars)
    html = _page(signed_in, lamp)
    summary = html[html.index("<h1>"):html.index('class="facts"')]
    assert "4.3 out of 5 stars, 3 reviews" in summary and f'{lamp.get_absolute_url()}#reviews' in summary


def test_the_product_pages_queries_do_not_grow_with_its_reviews_photos_and_votes(signed_in, owner, lamp):
    related = ProductFactory(category=lamp.category)
    lamp.related.add(related)
    _published(related, 5)
    _published(lamp, 4)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            _page(signed_in, lamp)
        return len(ctx.captured_queries)

    _page(signed_in, lamp)  # the session's and the catalog version's first reads
    few = count()
    for i in range(15):
        review = _published(lamp, 1 + i % 5, reply="Thanks" if i % 2 else "", rewarded=bool(i % 3))
        ReviewPhoto.objects.create(review=review, file=png_upload(), content_type="image/png", size=100)
        ReviewVote.objects.create(review=review, user=owner)
    assert count() == few


def test_a_turkish_reader_reads_the_average_in_its_number_format(client, owner, lamp):
    from django.conf import settings

    for stars in (5, 4, 4):
        _published(lamp, stars)
    owner.language = "tr"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tr"
    html = _reviews_section(_page(client, lamp))
    assert "4,3" in html and "4.3" not in html

