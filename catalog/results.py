"""The catalog list's results fragment (the sidebar with its facets, the toolbar, the cards or dense rows, the pages)
as HTML, built in Python like the cards (catalog/cards.py).

Why not the template: on every request that misses the dealer's results cache, templates/catalog/_results.html took
about 1 ms of template nodes (a translation, a variable lookup, an `if` each; the context processors of a request
context), 0.9 ms of a 7 ms page (issue 18). Here the page's labels are translated once per language and process
(`_labels`), and the values are escaped and localised as the template engine does: `{{ value }}` is
`esc(localize(value))`, a `{% translate %}` is escaped, a `{% blocktranslate %}` text is not, its values are.

The markup is the one templates/catalog/_results.html and _dense.html had (removed; see git history), byte for byte:
catalog/tests/test_golden.py compares the pages with files written from those templates. Change the markup here. The category tree stays a template (catalog/_tree.html), rendered
when its shared fragment misses, under the key `{% cache 3600 catalog_tree … %}` gave it."""
from django.core.cache.utils import make_template_fragment_key
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, ngettext, pgettext

from portal.cache import KeptValues

from .cards import esc

TREE_CACHE_SECONDS = 3600

# The fixed labels of the fragment, escaped, per language (a handful of languages: bounded).
_LABELS = {}
_TEXTS = {
    "filters": gettext_noop("Filters"),
    "categories": gettext_noop("Categories"),
    "subcategories": gettext_noop("Subcategories"),
    "filter": gettext_noop("Filter"),
    "availability": gettext_noop("Availability"),
    "in_stock": gettext_noop("In stock"),
    "on_campaign": gettext_noop("On campaign"),
    "your_price": gettext_noop("Your price"),
    "apply": gettext_noop("Apply"),
    "clear": gettext_noop("Clear filters"),
    "catalog": gettext_noop("Catalog"),
    "search_products": gettext_noop("Search products"),
    "search_hint": gettext_noop("Name, SKU, barcode or code"),
    "search": gettext_noop("Search"),
    "sort": gettext_noop("Sort"),
    "view": gettext_noop("View"),
    "list": gettext_noop("List"),
    "grid": gettext_noop("Grid"),
    "no_prices": gettext_noop("Prices are shown to signed-in users of approved dealers."),
    "pages": gettext_noop("Pages"),
    "previous": gettext_noop("Previous"),
    "next": gettext_noop("Next"),
    "no_match": gettext_noop("No products match these filters."),
    "add_filled": gettext_noop("Add the filled lines to the cart"),
    "dense_help": gettext_noop("Type quantities, Tab to the next row, Enter adds every filled line."),
    "rows_per_page": gettext_noop("Rows per page"),
    "sku": gettext_noop("SKU"),
    "product": gettext_noop("Product"),
    "unit": gettext_noop("Unit"),
    "quantity": gettext_noop("Quantity"),
    "add_to_cart": gettext_noop("Add to cart"),
}


def _labels() -> dict:
    language = get_language()
    labels = _LABELS.get(language)
    if labels is None:
        labels = {key: esc(gettext(text)) for key, text in _TEXTS.items()}
        labels["from"] = esc(pgettext("price range", "from"))
        labels["to"] = esc(pgettext("price range", "to"))
        labels["dense"] = esc(pgettext("catalog view", "Dense list"))
        _LABELS[language] = labels
    return labels


def val(value) -> str:
    """`{{ value }}`: localised (numbers in the language's format) and escaped."""
    return esc(localize(value))


def _yesno(value) -> str:
    return "true" if value else "false"


def _active(flag) -> str:
    return ' aria-current="true" class="active"' if flag else ""


def _tree(context) -> str:
    key = make_template_fragment_key("catalog_tree", [context["tree_version"], context["tree_current"],
                                                      context["language"]])
    html = _TREES.get(key)
    if html is None:
        html = render_to_string("catalog/_tree.html", {"nodes": context["tree"]()})
        _TREES.set(key, html, TREE_CACHE_SECONDS)
    return html


# The sidebar's tree by catalog version, current category and language (in its key): kept in the process as well.
_TREES = KeptValues(max_entries=200)


def render_results(context) -> str:
    """The results fragment (what templates/catalog/_results.html rendered) of `context` (views._results_context)."""
    labels = _labels()
    facets, filters, query = context["facets"], context["filters"], context["query"]
    more_than = facets.more_than
    out = ['<div class="catalog-layout">\n  \n  <details class="catalog-side" id="catalog-filters">\n'
           f'    <summary class="button filters-button">{labels["filters"]}']
    if context["filters_active"]:
        out.append(f' <span class="badge" id="filters-active">{val(context["filters_active"])}</span>')
    out.append(f'</summary>\n    <section class="card">\n      <h2>{labels["categories"]}</h2>\n'
               f'      {_tree(context)}\n    </section>\n'
               f'    <form class="card facets" method="get" id="facet-form">\n      <h2>{labels["filter"]}</h2>\n      ')
    if query:
        out.append(f'<input type="hidden" name="q" value="{val(query)}">')
    out.append("\n      ")
    if facets.categories:
        legend = labels["subcategories"] if context["category"] else labels["categories"]
        out.append(f'\n      <fieldset class="facet" id="facet-categories"><legend>{legend}</legend>\n        <ul>')
        for child, count, url in context["facets_categories"]:
            counted = "" if more_than else f' <span class="count">({val(count)})</span>'
            out.append(f'<li><a href="{val(url)}">{val(child.name)}</a>{counted}</li>')
        out.append("</ul>\n      </fieldset>\n      ")
    in_stock = filters["in_stock"]
    out.append(f'\n      <fieldset class="facet" id="facet-stock"><legend>{labels["availability"]}</legend>\n'
               f'        <a class="facet-toggle{" selected" if in_stock else ""}" href="{val(context["in_stock_url"])}" '
               f'role="checkbox" aria-checked="{_yesno(in_stock)}">{labels["in_stock"]}')
    if not more_than:
        out.append(f' <span class="count">({val(facets.in_stock)})</span>')
    out.append("</a>\n        ")
    on_campaign = filters["on_campaign"]
    if facets.prices_available or on_campaign:
        out.append(f'\n        <a class="facet-toggle{" selected" if on_campaign else ""}" id="facet-campaign" '
                   f'href="{val(context["on_campaign_url"])}" role="checkbox" aria-checked="{_yesno(on_campaign)}">'
                   f'{labels["on_campaign"]}')
        if facets.on_campaign is not None:
            out.append(f' <span class="count">({val(facets.on_campaign)})</span>')
        out.append("</a>\n        ")
    out.append("\n      </fieldset>\n      ")
    for facet in facets.attributes:
        out.append(f'\n      <fieldset class="facet" data-attribute="{val(facet.attribute.code)}"><legend>'
                   f'{val(facet.attribute)}</legend>\n        <ul>')
        for value in facet.values:
            counted = "" if value.count is None else f' <span class="count">({val(value.count)})</span>'
            out.append(f'<li><a class="facet-toggle{" selected" if value.selected else ""}" href="{val(value.url)}" '
                       f'role="checkbox" aria-checked="{_yesno(value.selected)}">{val(value.label)}</a>{counted}</li>')
        out.append("</ul>\n      </fieldset>\n      ")
    out.append("\n      ")
    hidden_params = context["hidden_params"]
    price_min, price_max = filters["price_min"], filters["price_max"]
    if facets.prices_available or price_min is not None or price_max is not None:
        price_range = facets.price_range
        low = f' placeholder="{val(price_range[0])}"' if price_range else ""
        high = f' placeholder="{val(price_range[1])}"' if price_range else ""
        hidden = "".join(f'<input type="hidden" name="{val(key)}" value="{val(value)}">' for key, value in hidden_params)
        out.append(
            f'\n      <fieldset class="facet" id="facet-price"><legend>{labels["your_price"]}</legend>\n'
            f'        {hidden}\n        <div class="price-range">\n'
            f'          <label>{labels["from"]} <input type="number" name="price_min" min="0" step="0.01" '
            f'value="{val("" if price_min is None else price_min)}"{low}></label>\n'
            f'          <label>{labels["to"]} <input type="number" name="price_max" min="0" step="0.01" '
            f'value="{val("" if price_max is None else price_max)}"{high}></label>\n        </div>\n'
            f'        <button type="submit" class="small">{labels["apply"]}</button>\n      </fieldset>\n      ')
    category = context["category"]
    heading = val(category.name) if category else labels["catalog"]
    hidden = "".join(f'<input type="hidden" name="{val(key)}" value="{val(value)}">' for key, value in hidden_params
                     if key != "sort")
    if more_than:
        count_text = ngettext("More than %(counter)s product", "More than %(counter)s products", more_than) % {
            "counter": val(more_than)}
    else:
        total = context["total"]
        count_text = ngettext("%(counter)s product", "%(counter)s products", total) % {"counter": val(total)}
    sorts = "".join(f'<a href="{val(url)}" data-sort="{val(key)}"{_active(active)}>{val(label)}</a>'
                    for key, label, url, active in context["sorts"])
    view_mode = context["view_mode"]
    out.append(
        f'\n      <p><a href="{val(context["clear_url"])}">{labels["clear"]}</a></p>\n    </form>\n  </details>\n'
        f'  <section class="catalog-main">\n    <h1>{heading}</h1>\n'
        f'    <form class="search" method="get" role="search">\n'
        f'      <label class="visually-hidden" for="catalog-q">{labels["search_products"]}</label>\n'
        f'      <input type="search" id="catalog-q" name="q" value="{val(query)}" placeholder="{labels["search_hint"]}">\n'
        f'      {hidden}\n      <button type="submit" class="primary">{labels["search"]}</button>\n    </form>\n'
        f'    <div class="list-toolbar">\n      <p class="result-count" id="result-count">{count_text}</p>\n'
        f'      <nav class="sorts" aria-label="{labels["sort"]}">{labels["sort"]}:\n        {sorts}\n      </nav>\n'
        f'      <nav class="view-toggle" aria-label="{labels["view"]}">\n'
        f'        <a href="{val(context["list_url"])}" data-view="list"{_active(view_mode == "list")}>'
        f'{labels["list"]}</a>\n'
        f'        <a href="{val(context["grid_url"])}" data-view="grid"{_active(view_mode == "grid")}>'
        f'{labels["grid"]}</a>\n'
        f'        <a href="{val(context["dense_url"])}" data-view="dense"{_active(view_mode == "dense")}>'
        f'{labels["dense"]}</a>\n      </nav>\n    </div>\n    ')
    if not context["show_prices"]:
        out.append(f'<p class="message">{labels["no_prices"]}</p>')
    out.append("\n    ")
    if context["products"]:
        out.append("\n    ")
        if view_mode == "dense":
            out.append(_dense(context, labels))
        else:
            out.append(f'\n    <div class="products {val(view_mode)}" id="products">\n      {context["cards"]}\n    </div>')
        out.append("\n    ")
        page = context["page"]
        pages = page.paginator.num_pages
        if pages > 1:
            prev_url, next_url = context["prev_url"], context["next_url"]
            prev = f'<a href="{val(prev_url)}" rel="prev">‹ {labels["previous"]}</a>' if prev_url else ""
            after = f'<a href="{val(next_url)}" rel="next">{labels["next"]} ›</a>' if next_url else ""
            page_of = gettext("Page %(number)s of %(pages)s") % {"number": val(page.number), "pages": val(pages)}
            out.append(f'\n    <nav class="pagination" aria-label="{labels["pages"]}">\n      {prev}\n'
                       f'      <span>{page_of}</span>\n      {after}\n    </nav>\n    ')
        out.append("\n    ")
    else:
        if query:
            empty = gettext("No products match “%(query)s”.") % {"query": val(query)}
        else:
            empty = labels["no_match"]
        out.append(f'\n    <p class="card empty">{empty}</p>\n    ')
    out.append("\n  </section>\n</div>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)


def _dense(context, labels) -> str:
    """The dense list's tools and table around its rows (what templates/catalog/_dense.html rendered)."""
    cart_add_url, show_prices = context["cart_add_url"], context["show_prices"]
    tools = (f'<button type="submit" form="dense-form" class="primary" id="dense-add-all">{labels["add_filled"]}'
             f'</button>\n  <p class="helptext">{labels["dense_help"]}</p>') if cart_add_url else ""
    choices = "".join(f'<a href="{val(url)}" data-per-page="{val(n)}"{_active(active)}>{val(n)}</a>'
                      for n, url, active in context["per_page_choices"])
    price_head = f'<th scope="col" class="num">{labels["your_price"]}</th>' if show_prices else ""
    add_head = (f'<th scope="col" class="num">{labels["quantity"]}</th><th scope="col"><span class="visually-hidden">'
                f'{labels["add_to_cart"]}</span></th>') if cart_add_url else ""
    return (f'\n<div class="dense-tools">\n  {tools}\n'
            f'  <nav class="per-page" aria-label="{labels["rows_per_page"]}">{labels["rows_per_page"]}:\n    {choices}\n'
            f'  </nav>\n</div>\n<table class="data dense-list stack" id="dense-list">\n  <thead><tr>\n'
            f'    <th scope="col">{labels["sku"]}</th><th scope="col">{labels["product"]}</th>'
            f'<th scope="col">{labels["unit"]}</th>\n    <th scope="col">{labels["availability"]}</th>\n'
            f'    {price_head}\n    {add_head}\n  </tr></thead>\n  <tbody>\n  {context["rows"]}\n  </tbody>\n</table>\n')
