"""The FAQ / knowledge base (issue 15, section 5): search, suggestions while a dealer types a ticket's subject, "was
this helpful" votes, publishing.

Search folds the query and the articles' text with the catalog's Turkish rules (`catalog.search.fold`: "İade",
"iade", "IADE" and "ıade" all read "iade", diacritics dropped), and matches every word of the query as the start of
a word or a part of one in the article's title and text in the reader's language, or in English (an article not
translated yet is read in English, and an English word finds a translated one too). Titles weigh more than the text.
The FAQ is small (tens to a few hundred articles), so the folded text of the published articles is read once per
language and kept in the cache until an article changes (the key carries the count and the newest `updated_at`):
a search reads one aggregate row and the matching articles.

Votes: one per user and article (`ArticleVote`'s unique constraint); the counts on the article move with F()
updates in the vote's transaction, so two users voting at once both count and a user changing their mind moves one
count from one side to the other."""
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.search import fold
from portal import audit
from portal.lifecycle import acting_user

from ..errors import FaqNotAllowed
from ..models import Article, ArticleStatus, ArticleVote
from ..permissions import may_edit_faq, may_vote_on_article

__all__ = ["VoteResult", "publish_articles", "search_articles", "suggest_for_subject", "vote"]

SUGGESTIONS = 5
_WORD = re.compile(r"\w+")
# Words too common to suggest an article by (the folded forms: "için" reads "icin").
_STOPWORDS = {
    "the", "and", "for", "with", "not", "was", "are", "you", "our", "has", "have", "this", "that", "from", "but",
    "how", "why", "what", "when", "can", "did", "does", "yet", "all", "any", "please",
    "bir", "ve", "ile", "icin", "gibi", "ama", "cok", "daha", "ne", "neden", "nasil", "bu", "su", "da", "de",
    "mi", "mu", "hala", "henuz", "yok", "var", "lutfen",
}


def _language(language) -> str:
    return (language or get_language() or "en").lower().replace("-", "_")


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text or ""))


@dataclass(frozen=True)
class _Entry:
    pk: int
    title: str      # folded, the reader's language (English when missing) and English, one line
    body: str
    position: tuple


def _entries(language: str) -> list[_Entry]:
    """The folded text of every published article for readers of `language`, cached until an article changes."""
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    stamp = published.aggregate(n=Count("pk"), newest=Max("updated_at"))
    newest = stamp["newest"].timestamp() if stamp["newest"] else 0
    key = f"support:faq:index:{language}:{stamp['n']}:{newest}"
    entries = cache.get(key)
    if entries is None:
        fields = {f"title_{language}", f"body_{language}", "title_en", "body_en"}
        rows = published.select_related("category").only("pk", "slug", "category__position", "category__slug",
                                                          *fields)
        entries = []
        for article in rows:
            title, body = article.title(language), article.body(language)
            if title != article.title_en:
                title = f"{title}\n{article.title_en}"
            if body != article.body_en:
                body = f"{body}\n{article.body_en}"
            entries.append(_Entry(pk=article.pk, title=fold(title), body=fold(body),
                                  position=(article.category.position, article.category.slug, article.slug)))
        cache.set(key, entries, 3600)
    return entries


def _score(entry: _Entry, words: list[str]) -> tuple[int, int]:
    """(words found, weight): a word in the title weighs 3, at the start of a title word 4, in the text 1."""
    found = weight = 0
    for word in words:
        if word in entry.title:
            found += 1
            weight += 4 if re.search(rf"(?<!\w){re.escape(word)}", entry.title) else 3
        elif word in entry.body:
            found += 1
            weight += 1
    return found, weight


def _articles(pks: list[int]) -> list[Article]:
    found = Article.objects.select_related("category").in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


def search_articles(*, query: str, language: str | None = None, limit: int | None = 10) -> list[Article]:
    """Published articles holding every word of `query` (Turkish case and diacritics folded), best first: in the
    reader's `language` (English where an article has no translation) or in English. `limit=None`: all of them."""
    words = [word for word in dict.fromkeys(_words(query)) if len(word) >= 2 or not word.isascii()]
    if not words:
        return []
    scored = []
    for entry in _entries(_language(language)):
        found, weight = _score(entry, words)
        if found == len(words):
            scored.append((-weight, entry.position, entry.pk))
    scored.sort()
    pks = [pk for *_rest, pk in scored]
    return _articles(pks[:limit] if limit else pks)


def suggest_for_subject(*, text: str, language: str | None = None) -> list[Article]:
    """Up to five published articles for a ticket's subject as the dealer types it: any of its words (but the
    commonest) counts, the best matches first (a word in a title weighs more than one in the text)."""
    words = [word for word in dict.fromkeys(_words(text))
             if (len(word) >= 3 or not word.isascii()) and word not in _STOPWORDS and not word.isdigit()]
    if not words:
        return []
    scored = []
    for entry in _entries(_language(language)):
        found, weight = _score(entry, words)
        if found:
            scored.append((-weight, -found, entry.position, entry.pk))
    scored.sort()
    return _articles([pk for *_rest, pk in scored[:SUGGESTIONS]])


@dataclass(frozen=True)
class VoteResult:
    article: Article     # with its counts as they are after the vote
    helpful: bool        # the user's vote now
    changed: bool        # False when the user had already voted the same way


def vote(*, actor, article: Article, helpful: bool) -> VoteResult:
    """The acting user's "was this helpful" on a published article: one vote per user (voting again the other way
    moves the vote; the same way changes nothing), counted with F() updates so parallel votes all count."""
    user, _on_behalf = acting_user(actor)
    if user is None or not may_vote_on_article(actor, article):
        raise FaqNotAllowed(_("Sign in to say whether a published article helped you."))
    helpful = bool(helpful)
    with transaction.atomic():
        previous = None
        try:
            with transaction.atomic():
                ArticleVote.objects.create(article=article, user=user, helpful=helpful)
        except IntegrityError:
            # Voted before (or a second click of the same user committed first): its row, locked, says what to move.
            row = ArticleVote.objects.select_for_update().get(article=article, user=user)
            previous = row.helpful
            if previous != helpful:
                ArticleVote.objects.filter(pk=row.pk).update(helpful=helpful, voted_at=timezone.now())
        changed = previous != helpful
        if changed:
            counts = {"helpful_yes": F("helpful_yes") + 1} if helpful else {"helpful_no": F("helpful_no") + 1}
            if previous is not None:
                counts.update({"helpful_no": F("helpful_no") - 1} if helpful else {"helpful_yes": F("helpful_yes") - 1})
            # `updated_at` is left alone: a vote does not change the article's text (nor the search cache's key).
            Article.objects.filter(pk=article.pk).update(**counts)
    article.refresh_from_db(fields=["helpful_yes", "helpful_no"])
    return VoteResult(article=article, helpful=helpful, changed=changed)


def publish_articles(*, actor, articles, publish: bool = True) -> int:
    """Publish (or take back to draft) `articles` (a queryset or instances); the number changed."""
    if not may_edit_faq(actor):
        raise FaqNotAllowed(_("You may not publish or unpublish FAQ articles."))
    target = ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT
    pks = [getattr(article, "pk", article) for article in articles]
    # An article's draft/published is a content flag, not a business lifecycle (no history table, no hooks, like a
    # product's `active`): written here, audited, the one place (portal/tests/test_lifecycle_kernel.py lists this
    # module as such). `updated_at` moves, so the search cache is renewed.
    changed = Article.objects.filter(pk__in=pks).exclude(status=target)
    user, _on_behalf = acting_user(actor)
    with transaction.atomic():
        for article in changed.select_for_update():
            audit.record(actor=user, action=f"support.article.{target}", target=article, data={"from": article.status})
        return changed.update(status=target, updated_at=timezone.now())
