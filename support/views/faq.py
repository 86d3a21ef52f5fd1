"""The FAQ pages (issue 15, section 5): `support:faq` (categories with their articles, the search box and its
results), `support:faq_article` (one article in the reader's language, English where it is not translated, "was this
helpful" with htmx, related articles), `support:faq_vote` (the vote; htmx answers the box with the counts) and
`support:faq_suggest` (an htmx partial: the articles that may answer a ticket's subject as the dealer types it).

Who reads: every signed-in user (dealer users of every role, sales agents, staff; `permissions.may_read_faq`); an
anonymous visitor is sent to sign in, as everywhere in the portal. Drafts: only whom may edit the FAQ
(`permissions.may_edit_faq`); anyone else gets a 404."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal.errors import DomainError

from .. import selectors
from ..permissions import may_edit_faq, may_vote_on_article
from ..services import search_articles, suggest_for_subject, vote

QUERY_MAX = 200


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _vote_context(request, article, *, error=None):
    actor = request.actor
    return {"article": article, "my_vote": selectors.vote_of(actor=actor, article=article),
            "may_vote": may_vote_on_article(actor, article), "vote_error": error}


def _titled(articles, language):
    for article in articles:
        article.display_title = article.title(language)
    return articles


@login_required
@require_GET
def faq(request):
    query = (request.GET.get("q") or "").strip()[:QUERY_MAX]
    language = request.LANGUAGE_CODE
    context = {"query": query, "language": language, "may_edit": may_edit_faq(request.actor)}
    if query:
        context["results"] = _titled(search_articles(query=query, language=language, limit=50), language)
    else:
        categories = selectors.faq_categories(actor=request.actor)
        for category in categories:
            category.display_name = category.name(language)
            _titled(category.shown, language)
        context["categories"] = categories
    return render(request, "support/faq_index.html", context)


@login_required
@require_GET
def faq_article(request, slug):
    article = selectors.get_article_for_reader(actor=request.actor, slug=slug)
    language = request.LANGUAGE_CODE
    return render(request, "support/faq_article.html", {
        "language": language, "title": article.title(language), "body": article.body(language),
        "category_name": article.category.name(language), "may_edit": may_edit_faq(request.actor),
        "related": [(other, other.title(language)) for other in selectors.related_articles(article=article)],
        **_vote_context(request, article)})


@login_required
@require_POST
def faq_vote(request, slug):
    """`helpful=yes|no`: the reader's vote (a second vote the other way moves it)."""
    article = selectors.get_article_for_reader(actor=request.actor, slug=slug)
    error = None
    try:
        vote(actor=request.actor, article=article, helpful=request.POST.get("helpful") == "yes")
    except DomainError as exc:
        error = exc.message
    if _is_htmx(request):
        return render(request, "support/faq_vote.html", _vote_context(request, article, error=error),
                      status=400 if error else 200)
    return redirect("support:faq_article", slug=article.slug)


@login_required
@require_GET
def faq_suggest(request):
    """`?subject=…`: up to five published articles that may already answer it (for the new-ticket form)."""
    subject = (request.GET.get("subject") or "").strip()[:QUERY_MAX]
    language = request.LANGUAGE_CODE
    articles = suggest_for_subject(text=subject, language=language) if subject else []
    return render(request, "support/faq_suggestions.html", {
        "suggestions": [(article, article.title(language)) for article in articles]})
