"""The FAQ (issue 15, section 5): search with the catalog's Turkish rules and English fallback, drafts for staff
only, one vote per user counted atomically, suggestions while a ticket's subject is typed, pages and API."""
import pytest
from django.test import Client
from django.urls import reverse

from portal.testing import actor_of, run_together
from support import services
from support.errors import FaqNotAllowed
from support.models import Article, ArticleVote
from support.testing import ArticleCategoryFactory, ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns(db):
    category = ArticleCategoryFactory(slug="returns", name_en="Returns", name_tr="İadeler")
    return ArticleFactory(
        category=category, slug="how-to-return",
        title_en="How do I return goods?", body_en="Open a return request from the order page within 14 days.",
        title_tr="Ürünleri nasıl iade ederim?", body_tr="İade talebini sipariş sayfasından 14 gün içinde açın.",
        title_zh_hans="如何退货？", body_zh_hans="请在14天内从订单页面提交退货申请。")


@pytest.fixture
def invoices(db):
    # English only: every reader gets it in English.
    return ArticleFactory(category=ArticleCategoryFactory(slug="invoices", name_en="Invoices"), slug="invoice-copy",
                          title_en="Where is my invoice?", body_en="Every invoice is under Invoices as a PDF.")


# --- search ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["İade", "iade", "IADE", "ıade", "iadE talebi"])
def test_turkish_variants_of_a_word_find_the_turkish_article(returns, invoices, query):
    assert services.search_articles(query=query, language="tr") == [returns]


def test_an_article_without_a_translation_is_found_in_english_and_english_words_find_a_translated_one(
        returns, invoices):
    assert services.search_articles(query="invoice", language="tr") == [invoices]
    assert services.search_articles(query="return request", language="tr") == [returns]
    assert services.search_articles(query="退货", language="zh-hans") == [returns]


def test_every_word_must_match_and_titles_rank_first(returns, invoices):
    body_only = ArticleFactory(category=returns.category, title_en="Damaged parcels",
                               body_en="Refuse the parcel, then return it with a note.")
    assert services.search_articles(query="return", language="en") == [returns, body_only]
    assert services.search_articles(query="return invoice", language="en") == []
    assert services.search_articles(query="  ", language="en") == []


def test_a_draft_is_never_found(returns):
    ArticleFactory(status="draft", title_en="Returns of opened boxes", body_en="Draft text about returns.")
    assert services.search_articles(query="returns", language="en") == []
    assert services.search_articles(query="return", language="en") == [returns]


def test_search_sees_an_article_changed_after_a_first_search(returns):
    assert services.search_articles(query="pallet", language="en") == []
    returns.body_en += " Pallets are picked up by our truck."
    returns.save()
    assert services.search_articles(query="pallet", language="en") == [returns]


def test_suggestions_for_a_subject_take_any_word_but_the_commonest(returns, invoices):
    suggested = services.suggest_for_subject(text="I cannot find the invoice of my order ORD-2026-000001",
                                             language="en")
    assert suggested[0] == invoices  # "invoice" is in its title; "order" only in the other's text
    assert services.suggest_for_subject(text="Siparişimi iade etmek istiyorum", language="tr") == [returns]
    assert services.suggest_for_subject(text="the and for", language="en") == []


def test_at_most_five_suggestions(returns):
    for n in range(7):
        ArticleFactory(category=returns.category, title_en=f"Delivery question {n}")
    assert len(services.suggest_for_subject(text="delivery late", language="en")) == 5


# --- votes -------------------------------------------------------------------------------------------------------

def test_one_vote_per_user_and_changing_it_moves_the_counts(returns, owner, buyer):
    services.vote(actor=actor_of(owner), article=returns, helpful=True)
    again = services.vote(actor=actor_of(owner), article=returns, helpful=True)
    assert not again.changed and (again.article.helpful_yes, again.article.helpful_no) == (1, 0)
    services.vote(actor=actor_of(buyer), article=returns, helpful=True)
    changed = services.vote(actor=actor_of(owner), article=returns, helpful=False)
    assert changed.changed and (changed.article.helpful_yes, changed.article.helpful_no) == (1, 1)
    assert ArticleVote.objects.filter(article=returns).count() == 2


def test_a_draft_takes_no_vote(owner):
    draft = ArticleFactory(status="draft")
    with pytest.raises(FaqNotAllowed):
        services.vote(actor=actor_of(owner), article=draft, helpful=True)
    assert not ArticleVote.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_users_voting_at_once_both_count_and_a_double_click_counts_once(owner, buyer):
    article = ArticleFactory()
    outcomes = run_together([
        lambda: services.vote(actor=actor_of(owner), article=Article.objects.get(pk=article.pk), helpful=True),
        lambda: services.vote(actor=actor_of(buyer), article=Article.objects.get(pk=article.pk), helpful=True),
        lambda: services.vote(actor=actor_of(owner), article=Article.objects.get(pk=article.pk), helpful=True),
    ])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (2, 0)
    assert ArticleVote.objects.filter(article=article).count() == 2


# --- pages -------------------------------------------------------------------------------------------------------

def test_the_faq_page_lists_categories_with_their_published_articles_and_searches(signed_in, returns, invoices):
    ArticleFactory(category=returns.category, status="draft", title_en="Unfinished draft")
    page = signed_in.get(reverse("support:faq")).content.decode()
    assert "How do I return goods?" in page and "Where is my invoice?" in page
    assert "Unfinished draft" not in page
    found = signed_in.get(reverse("support:faq"), {"q": "INVOICE"}).content.decode()
    assert "Where is my invoice?" in found and "How do I return goods?" not in found


def test_the_faq_needs_a_signed_in_user(client, returns):
    answer = client.get(reverse("support:faq_article", args=[returns.slug]))
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_a_draft_is_a_404_for_dealers_and_agents_and_shown_to_staff(owner, agent, staff_client):
    draft = ArticleFactory(status="draft", title_en="Coming soon")
    url = reverse("support:faq_article", args=[draft.slug])
    for user in (owner, agent):
        reader = Client()
        reader.force_login(user)
        assert reader.get(url).status_code == 404
        assert reader.post(reverse("support:faq_vote", args=[draft.slug]), {"helpful": "yes"}).status_code == 404
    assert "Coming soon" in staff_client.get(url).content.decode()
    assert "Coming soon" in staff_client.get(reverse("support:faq")).content.decode()


def _reader_in(user, language):
    """A new browser of `user`, whose account's language is `language`."""
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def test_an_article_in_turkish_and_in_chinese_falls_back_to_english_where_it_is_not_translated(
        owner, returns, invoices):
    turkish = _reader_in(owner, "tr").get(reverse("support:faq_article", args=[returns.slug])).content.decode()
    assert "Ürünleri nasıl iade ederim?" in turkish and "İade talebini" in turkish and "İadeler" in turkish
    chinese = _reader_in(owner, "zh-hans")
    page = chinese.get(reverse("support:faq_article", args=[returns.slug])).content.decode()
    assert "如何退货？" in page and "请在14天内" in page
    # Not translated at all, and the category name missing in Chinese: English.
    untranslated = chinese.get(reverse("support:faq_article", args=[invoices.slug])).content.decode()
    assert "Where is my invoice?" in untranslated and "Every invoice is under Invoices" in untranslated


def test_voting_on_the_page_with_htmx_shows_the_counts(signed_in, returns, buyer):
    services.vote(actor=actor_of(buyer), article=returns, helpful=True)
    page = signed_in.get(reverse("support:faq_article", args=[returns.slug])).content.decode()
    assert "Was this helpful?" in page and "found this helpful" not in page
    answer = signed_in.post(reverse("support:faq_vote", args=[returns.slug]), {"helpful": "yes"},
                            HTTP_HX_REQUEST="true")
    box = answer.content.decode()
    assert answer.status_code == 200 and 'id="faq-vote"' in box
    assert "2 readers found this helpful" in box and "0 did not" in box and 'aria-pressed="true"' in box
    changed = signed_in.post(reverse("support:faq_vote", args=[returns.slug]), {"helpful": "no"},
                             HTTP_HX_REQUEST="true").content.decode()
    assert "1 reader found this helpful" in changed and "1 did not" in changed


def test_a_vote_without_htmx_returns_to_the_article(signed_in, returns):
    answer = signed_in.post(reverse("support:faq_vote", args=[returns.slug]), {"helpful": "no"})
    assert answer.status_code == 302 and answer["Location"] == reverse("support:faq_article", args=[returns.slug])
    returns.refresh_from_db()
    assert returns.helpful_no == 1


def test_the_suggestions_partial_lists_articles_for_a_subject(signed_in, returns, invoices):
    answer = signed_in.get(reverse("support:faq_suggest"), {"subject": "Invoice missing"}, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert html.startswith('<div id="faq-suggestions"') and "Where is my invoice?" in html
    assert reverse("support:faq_article", args=[invoices.slug]) in html
    empty = signed_in.get(reverse("support:faq_suggest"), {"subject": ""}).content.decode()
    assert 'id="faq-suggestions"' in empty and "<li>" not in empty


def test_related_articles_are_the_published_ones_of_the_same_category(signed_in, returns):
    other = ArticleFactory(category=returns.category, title_en="Return shipping costs")
    ArticleFactory(category=returns.category, status="draft", title_en="Hidden draft")
    page = signed_in.get(reverse("support:faq_article", args=[returns.slug])).content.decode()
    assert "Return shipping costs" in page and "Hidden draft" not in page
    assert reverse("support:faq_article", args=[other.slug]) in page


# --- API ---------------------------------------------------------------------------------------------------------

def test_api_search_is_paginated_and_in_the_readers_language(session_api_client, owner, returns, invoices):
    owner.language = "tr"
    owner.save(update_fields=["language"])
    api = session_api_client(owner)
    answer = api.get("/api/v1/faq/", {"q": "IADE"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["count"] == 1 and body["results"][0]["slug"] == returns.slug
    assert body["results"][0]["title"] == "Ürünleri nasıl iade ederim?"
    everything = api.get("/api/v1/faq/").json()
    assert {row["slug"] for row in everything["results"]} == {returns.slug, invoices.slug}
    for n in range(20):
        ArticleFactory(category=returns.category, title_en=f"Return question {n}")
    first = api.get("/api/v1/faq/", {"q": "return"}).json()
    assert first["count"] == 21 and len(first["results"]) == 20 and first["next"]
    assert len(api.get(first["next"]).json()["results"]) == 1


def test_api_article_falls_back_to_english_and_hides_drafts(session_api_client, owner, staff, invoices):
    api = session_api_client(owner)
    answer = api.get(f"/api/v1/faq/{invoices.slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert answer["title"] == "Where is my invoice?" and answer["language"] == "en"
    draft = ArticleFactory(status="draft")
    assert api.get(f"/api/v1/faq/{draft.slug}/").status_code == 404
    assert session_api_client(staff).get(f"/api/v1/faq/{draft.slug}/").status_code == 200


def test_api_needs_a_signed_in_user(returns):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/faq/").status_code in (401, 403)


# --- publishing --------------------------------------------------------------------------------------------------

def test_publishing_needs_the_right_to_edit_the_faq(owner, staff):
    draft = ArticleFactory(status="draft", title_en="Opening hours of the warehouse")
    with pytest.raises(FaqNotAllowed):
        services.publish_articles(actor=actor_of(owner), articles=[draft])
    assert services.publish_articles(actor=staff, articles=[draft]) == 1
    assert services.search_articles(query="warehouse", language="en") == [draft]
    assert services.publish_articles(actor=staff, articles=[draft], publish=False) == 1
    assert services.search_articles(query="warehouse", language="en") == []


def test_the_admin_groups_the_languages_and_publishes_through_the_action(staff_client):
    draft = ArticleFactory(status="draft", title_en="Warehouse hours", title_tr="Depo saatleri")
    page = staff_client.get(reverse("admin:support_article_change", args=[draft.pk])).content.decode()
    assert "Depo saatleri" in page and "Turkish" in page and "Chinese" in page
    answer = staff_client.post(reverse("admin:support_article_changelist"),
                               {"action": "publish_selected", "_selected_action": [draft.pk]}, follow=True)
    assert "1 article published." in answer.content.decode()
    draft.refresh_from_db()
    assert draft.status == "published"
    assert staff_client.get(reverse("admin:support_articlecategory_changelist")).status_code == 200
