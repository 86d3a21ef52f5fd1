"""Issue 17 §3 in a real Chromium: a dealer user whose company received a product opens the product page, writes a
review (stars, title, text); staff approve it in the moderation queue; the dealer's catalog card shows the stars and
the count, and the product page the review, anonymised. On a phone (390 px) the product page with reviews has no
sideways scroll. Screenshots go to test-artifacts/."""
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory, StaffFactory
from feedback.models import Review, ReviewPhoto, ReviewStatus
from feedback.testing import ReviewFactory, deliver
from orders.testing import actor_of, priced, with_addresses
from portal.testing import log_in
from pricing.testing import PriceListFactory
from support.testing import png_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


def _others_review(product):
    """A published review of another dealer with a photo, a long word, the seller's reply and the discount note."""
    when = timezone.now()
    review = ReviewFactory(
        product=product, stars=2, status=ReviewStatus.PUBLISHED, published_at=when, submitted_at=when,
        dealer=DealerFactory(city="Gaziantep", tier="key_account"), rewarded=True, helpful_count=0,
        title="Two drivers failed in the first month",
        body="Elektrikmühendisliğiüzerinebirkelimeçokuzunolabilir — the light is fine, the drivers are not.",
        reply="We are sorry: two replacement drivers left today under warranty.")
    ReviewPhoto.objects.create(review=review, file=png_upload("driver.png", (120, 90)), content_type="image/png",
                               size=100)
    return review


def test_a_dealer_reviews_a_delivered_product_staff_approve_and_the_stars_appear_on_the_card(live_server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    dealer = with_addresses(DealerFactory(city="İzmir", tier="gold", legal_name="Ege Aydınlatma Ltd. Şti."))
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="deniz@ege.example.com", first_name="Deniz",
                              last_name="Kaya")
    staff = StaffFactory(email="moderator@portal.example.com")
    panel = priced(PriceListFactory(kind="market"), "1250.00", sku="LED-600", name="LED panel 60x60")
    deliver(actor_of(owner), panel, staff=staff)
    others = _others_review(panel)
    base = live_server.url

    # 1. The dealer opens the product page: the reviews section offers "Write a review" (its company received it).
    page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, base, owner.email, PASSWORD, dealer.code)
    page.goto(f"{base}{panel.get_absolute_url()}")
    section = page.locator("#reviews")
    expect(section.locator("h2")).to_have_text("Reviews")
    assert "2.0 out of 5" in section.inner_text() and "1 review" in section.inner_text()
    write = page.locator("#review-action a", has_text="Write a review")
    expect(write).to_be_visible()
    # "Helpful" on the other dealer's review, through htmx (no page load).
    page.locator(f"#helpful-{others.pk} button").click()
    expect(page.locator(f"#helpful-{others.pk} button")).to_have_text("Helpful (1)")
    with page.expect_navigation():
        write.click()
    assert page.url.endswith(f"/feedback/reviews/new/{panel.pk}/")

    # 2. It writes the review: 4 stars, a title and a text.
    page.check("#review-form input[name=stars][value='4']")
    page.fill("#review-form [name=title]", "Even light, easy to fit")
    page.fill("#review-form [name=body]", "Forty panels in our showroom: even light and no flicker.")
    with page.expect_navigation():
        page.click("#review-form button[type=submit]")
    review = Review.objects.get(user=owner)
    assert review.status == ReviewStatus.PENDING and review.stars == 4

    # Waiting for moderation: the page says so, the card has the other review only.
    page.goto(f"{base}{panel.get_absolute_url()}")
    expect(page.locator("#review-action")).to_contain_text("Edit your review")
    expect(page.locator("#review-action")).to_contain_text("Waiting for moderation")
    assert "Even light, easy to fit" not in page.locator("#reviews").inner_text()

    # 3. Staff approve it in the moderation queue.
    desk = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900}).new_page()
    log_in(desk, base, staff.email, PASSWORD)
    desk.goto(f"{base}/feedback/moderation/")
    item = desk.locator(f"#review-{review.pk}")
    expect(item).to_contain_text("Even light, easy to fit")
    with desk.expect_navigation():
        item.locator("button", has_text="Approve").click()
    expect(desk.locator(f"#review-{review.pk}")).to_have_count(0)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED

    # 4. The dealer's catalog card shows the stars and the count: (2 + 4) / 2.
    page.goto(f"{base}/catalog/")
    card = page.locator("article.product-card[data-sku='LED-600']")
    expect(card.locator(".card-rating")).to_contain_text("3.0 (2)")
    assert card.locator(".card-rating .star.full").count() == 3
    card.screenshot(path=str(ARTIFACTS / "review-card.png"))

    # The product page: the new review, anonymised, with its stars; the other's reply and discount note.
    page.goto(f"{base}{panel.get_absolute_url()}")
    text = page.locator("#reviews").inner_text()
    assert "3.0 out of 5" in text and "2 reviews" in text
    mine = page.locator(f"#review-{review.pk}")
    expect(mine).to_contain_text("A dealer in İzmir, gold tier")
    assert "Ege Aydınlatma" not in mine.inner_text() and "Deniz" not in mine.inner_text()
    expect(mine.locator(".review-helpful button")).to_have_count(0)  # not on one's own review
    theirs = page.locator(f"#review-{others.pk}")
    expect(theirs).to_contain_text("The reviewer received a discount")
    expect(theirs).to_contain_text("Reply from")
    # The star filter through htmx: only the 2-star review.
    page.locator(".reviews-histogram a", has_text="2 stars").click()
    expect(page.locator("ol.reviews li.review")).to_have_count(1)
    expect(page.locator(".reviews-filter")).to_contain_text("Showing 2-star reviews only.")
    assert "rstars=2" in page.url
    page.locator(".reviews-filter a").click()
    expect(page.locator("ol.reviews li.review")).to_have_count(2)
    page.locator("#reviews").screenshot(path=str(ARTIFACTS / "review-product-page.png"))


def test_the_product_page_with_reviews_fits_a_phone(live_server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    owner = DealerUserFactory(dealer=DealerFactory(), role=Role.OWNER, language="tr")
    panel = priced(PriceListFactory(kind="market"), "1250.00", sku="LED-600-UZUN-BIR-KOD",
                   name="LED panel 60x60 Işık şiddeti ayarlanabilir gömme tip")
    _others_review(panel)
    when = timezone.now()
    for stars in (5, 4, 4, 3):
        ReviewFactory(product=panel, stars=stars, status=ReviewStatus.PUBLISHED, published_at=when,
                      submitted_at=when, title="Çok iyi ışık, kolay montaj, uzun ömürlü sürücü", show_company=True,
                      company_name="Karadeniz Elektrik Malzemeleri Sanayi ve Ticaret Ltd. Şti.")
    page = browser.new_context(locale="tr-TR", viewport=PHONE, is_mobile=True).new_page()
    log_in(page, live_server.url, owner.email, PASSWORD, owner.dealer.code)
    page.goto(f"{live_server.url}{panel.get_absolute_url()}#reviews")
    expect(page.locator("#reviews ol.reviews li.review")).to_have_count(5)
    expect(page.locator("#review-action .review-why-not")).to_be_visible()  # its company has not received it
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#reviews").screenshot(path=str(ARTIFACTS / "review-product-page-phone.png"))
