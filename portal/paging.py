"""One way to page a list: the page asked for (a bad or too large number gives the last or first page, never an
error) and the rest of the query string, for the links of templates/includes/pagination.html."""
from django.core.paginator import Paginator

PER_PAGE = 25


def paginate(request, items, per_page: int = PER_PAGE) -> dict:
    """{"page": the page, "query": the request's other GET parameters, url-encoded} for the template."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode()}
