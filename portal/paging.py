"""One way to page a list: the page asked for (a bad or too large number gives the last or first page, never an
error) and the rest of the query string, for the links of templates/includes/pagination.html."""
from django.core.paginator import Paginator
from django.utils.functional import cached_property

PER_PAGE = 25


class CountedPaginator(Paginator):
    """A paginator told the count (a number, or a function that counts: e.g. the list's query without the joins
    its rows need) instead of counting `object_list` itself."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count = count

    @cached_property
    def count(self):
        return self._count() if callable(self._count) else self._count


def paginate(request, items, per_page: int = PER_PAGE, *, count=None) -> dict:
    """{"page": the page, "query": the request's other GET parameters, url-encoded} for the template. `count`: how
    to count the items when counting `items` would cost more (see CountedPaginator)."""
    paginator = Paginator(items, per_page) if count is None else CountedPaginator(items, per_page, count=count)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode()}
