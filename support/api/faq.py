"""The FAQ through the REST API (issue 15, section 5): GET /api/v1/faq/?q=… (published articles, every word of `q`
matched with the catalog's Turkish rules, best first; without `q` all of them by category; 20 a page) and GET
/api/v1/faq/{slug}/ (one article). Texts are in the request's language (Accept-Language, or the account's), English
where an article is not translated. A session or a token with scope `account` (any signed-in user); a draft is a 404
except for staff who may edit the FAQ. The same services, selectors and permissions as the pages."""
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from dealers.api.common import FORBIDDEN, NOT_FOUND, api_actor
from portal.api_auth import HasScope
from portal.models import ApiToken

from .. import selectors
from ..models import LANGUAGES, Article, ArticleStatus
from ..services import search_articles

QUERY_MAX = 200


def _language(request) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or "en").lower().replace("-", "_")


def _served_in(article, language) -> str:
    """The language the article's text is served in: the reader's when translated, else English."""
    language = language if language in LANGUAGES else "en"
    return language if getattr(article, f"title_{language}") and getattr(article, f"body_{language}") else "en"


class FaqArticleSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.SerializerMethodField(help_text="In your language, English when not translated.")
    category = serializers.SerializerMethodField(help_text="The category's slug.")
    category_name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The article's page in the portal.")
    helpful_yes = serializers.IntegerField(help_text="Readers who found it helpful.")
    helpful_no = serializers.IntegerField(help_text="Readers who did not.")
    updated_at = serializers.DateTimeField()

    def _lang(self):
        return self.context.get("language", "en")

    def get_title(self, article) -> str:
        return article.title(self._lang())

    def get_category(self, article) -> str:
        return article.category.slug

    def get_category_name(self, article) -> str:
        return article.category.name(self._lang())

    def get_url(self, article) -> str:
        url = reverse("support:faq_article", args=[article.slug])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class FaqArticleDetailSerializer(FaqArticleSerializer):
    body = serializers.SerializerMethodField(help_text="The answer, plain text (paragraphs separated by blank lines).")
    language = serializers.SerializerMethodField(help_text="The language of title and body: yours, or en when the "
                                                           "article is not translated into it.")
    status = serializers.CharField(help_text="published (drafts are shown only to staff who edit the FAQ).")

    def get_body(self, article) -> str:
        return article.body(self._lang())

    def get_language(self, article) -> str:
        return _served_in(article, self._lang()).replace("_", "-")


class FaqPagination(PageNumberPagination):
    page_size = 20


class FaqView(APIView):
    permission_classes = [HasScope(ApiToken.Scope.ACCOUNT)]


class FaqListView(FaqView):
    pagination_class = FaqPagination  # the schema's page shape

    @extend_schema(
        description="Published FAQ articles in your language (English when not translated). With `q`: those holding "
                    "every word of it (Turkish case and accents folded: İade, iade and IADE find the same), best "
                    "first; without: all, by category.",
        parameters=[OpenApiParameter("q", str, description="Words to look for (at most 200 characters)."),
                    OpenApiParameter("page", int, description="The page (20 articles a page).")],
        responses={200: FaqArticleSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        api_actor(request)
        language = _language(request)
        query = (request.query_params.get("q") or "").strip()[:QUERY_MAX]
        if query:
            articles = search_articles(query=query, language=language, limit=None)
        else:
            articles = list(Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("category")
                            .order_by("category__position", "category__slug", "slug"))
        paginator = FaqPagination()
        rows = paginator.paginate_queryset(articles, request, view=self)
        context = {"request": request, "language": language}
        return paginator.get_paginated_response(FaqArticleSerializer(rows, many=True, context=context).data)


class FaqDetailView(FaqView):
    @extend_schema(description="One FAQ article: title and answer in your language (`language` says which: en when "
                               "it is not translated). A draft is a 404.",
                   responses={200: FaqArticleDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, slug):
        article = selectors.get_article_for_reader(actor=api_actor(request), slug=slug)
        context = {"request": request, "language": _language(request)}
        return Response(FaqArticleDetailSerializer(article, context=context).data)
