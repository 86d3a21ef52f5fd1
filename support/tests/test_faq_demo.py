"""The demo FAQ: three categories and eight published articles in the five languages, loaded twice without
creating anything new, found by Turkish and Chinese searches."""
import pytest

from support import demo, services
from support.models import LANGUAGES, Article, ArticleCategory

pytestmark = pytest.mark.django_db


def test_the_demo_faq_loads_twice_in_five_languages_and_is_searchable():
    demo.load()
    Article.objects.filter(slug="return-goods").update(title_en="Returning goods (edited by staff)")
    demo.load()
    assert (ArticleCategory.objects.count(), Article.objects.count()) == (3, 8)
    assert Article.objects.get(slug="return-goods").title_en == "Returning goods (edited by staff)"
    for article in Article.objects.all():
        assert article.status == "published"
        assert all(getattr(article, f"title_{lang}") and getattr(article, f"body_{lang}") for lang in LANGUAGES)
    assert [a.slug for a in services.search_articles(query="IADE", language="tr")][0] == "return-goods"
    assert "track-shipment" in [a.slug for a in services.search_articles(query="takip kodu", language="tr")]
    assert "invoice-copy" in [a.slug for a in services.search_articles(query="发票", language="zh-hans")]
    assert services.suggest_for_subject(text="Kolim hasarlı geldi", language="tr")[0].slug == "damaged-or-missing"
