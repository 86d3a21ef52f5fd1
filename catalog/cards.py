"""The catalog list's product cards and dense rows as HTML, built in Python.

Why not a template: the list renders 24 cards or up to 100 rows on every request that misses the results cache, and
Django's template engine spent about half a millisecond on each (a variable lookup, a filter, an include, a
translation per node): 12 ms of a 36 ms page, 52 ms of the 100-row dense list (issue 18). Here each card is one
format string filled with escaped values; labels are translated once per page, not once per card.

The markup is the one `catalog/_card.html` and `catalog/_dense.html` had, byte for byte (catalog/tests/test_golden.py
compares the pages with files written from those templates). Change the card here, not in a template: the page's
sidebar, toolbar and pagination are built in catalog/results.py the same way. Escaping follows the template engine's:
every value and `{% translate %}` output is escaped; a `{% blocktranslate %}` text is not, its values are."""
from html import escape as _escape

from django.urls import get_script_prefix
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from portal.money import quantize
from portal.templatetags.portal_tags import qty as _qty  # the `qty` filter: a quantity as a form value

from .availability import availability, stock_display
from .models import UNIT_LABELS
from .units import unit_word


def esc(value) -> str:
    """The template engine's escaping (django.utils.html.conditional_escape: safe HTML as it is, anything else with
    & < > " ' escaped), without its lazy-string wrapper, which cost more than the escaping on a 100-row page."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


# --- The card (list and grid views) ----------------------------------------------------------------------------------

# A card is its head (up to the campaign badge), the dealer's parts (campaign badge, extras, price) and its add form.
_CARD_HEAD = """<article class="product-card" data-sku="{sku}">
  <a class="product-thumb" href="{url}">
    {thumb}
  </a>
  <div class="product-body">
    <h2 class="product-name"><a href="{url}">{name}</a></h2>
    <p class="product-meta"><span class="sku">{sku}</span>
      {availability}
      """
_CARD_END = """
  </div>
</article>
"""
_NO_IMAGE = '<span class="no-image" aria-hidden="true">▢</span>'
_THUMB = '<img src="{src}" alt="{alt}" loading="lazy" width="160" height="160">'
_CAMPAIGN = '<span class="badge campaign" title="{name}">{label}</span>'
_PRICE = ('<p class="product-price"><span class="visually-hidden">{your_price}: </span>{amount}</p>')
_AMOUNT = "<strong>{money}</strong> <small>/ {unit}</small>"
_ADD = ('<form class="card-add" action="{url}" hx-post="{cart_add_url}" hx-target="find .add-result-slot" '
        'hx-swap="innerHTML"><input type="hidden" name="sku" value="{sku}"><label class="visually-hidden" '
        'for="add-q-{pk}">{quantity_label}</label><input type="number" id="add-q-{pk}" name="quantity" '
        'value="{quantity}" min="0" step="any" inputmode="decimal"> <small>{unit_word}</small> '
        '<button type="submit"{disabled}>{add_label}</button><span class="add-result-slot" role="status" '
        'aria-live="polite"></span></form>')

# --- The availability badge (catalog/_availability.html without its detail) ---------------------------------------------

_BADGE = ('<span class="availability"><span class="badge {css} stock" data-availability="{status}">{label}</span>'
          '{after}</span>\n')


def _badge(av) -> str:
    problem = av.problem
    if problem:
        after = f' <span class="availability-problem errorlist" role="alert">{esc(problem)}</span>'
    else:
        note = av.note
        after = f' <small class="availability-note">{esc(note)}</small>' if note else ""
    return _BADGE.format(css=esc(av.css), status=esc(av.status), label=esc(av.label), after=after)


def _disabled(av) -> str:
    return "" if av.orderable else f' disabled title="{esc(av.label)}"'


# A product's badge and its add button's `disabled` part by everything they depend on: the language, the display
# mode and the product's stock fields (catalog.availability reads nothing else). Equal Decimals word alike (quantities
# are normalised before they are written). The same few stock figures recur on every page, and wording a badge
# walks the translation machinery two or three times (about 20 µs a row). Bounded: emptied at _STOCK_PARTS_MAX.
_STOCK_PARTS = {}
_STOCK_PARTS_MAX = 4_000  # about 1.5 MB kept at the most (bench_memory watches it)


def _stock_parts(product, language, display) -> tuple[str, str]:
    """(badge, disabled) of `product`: _badge(av) and _disabled(av) of its availability."""
    key = (language, display, product.stock_quantity, product.min_order_quantity, product.order_multiple,
           product.allow_backorder, product.lead_time_days, product.unit)
    parts = _STOCK_PARTS.get(key)
    if parts is None:
        av = availability(product, display=display)
        parts = (_badge(av), _disabled(av))
        if len(_STOCK_PARTS) >= _STOCK_PARTS_MAX:
            _STOCK_PARTS.clear()
        _STOCK_PARTS[key] = parts
    return parts


class _PageFormats:
    """What a page of cards or rows words the same way on every row, worked out once per page in the active language:
    amounts (portal.money.format_money: the language's separators and grouping, read once instead of per amount)
    and unit names (escaped)."""

    def __init__(self):
        self.language = get_language()
        self.decimal_sep = get_format("DECIMAL_SEPARATOR", self.language)
        self.grouping = get_format("NUMBER_GROUPING", self.language)
        self.thousand_sep = get_format("THOUSAND_SEPARATOR", self.language)
        # Escaping is character by character, so an amount grouped by threes is its escaped parts put together.
        self.escaped_seps = (esc(self.thousand_sep), esc(self.decimal_sep))
        self.currencies = {}
        self.units = {}

    def money(self, price) -> str | None:
        """The unit price as the `money` filter writes it (format_money, escaped), or None when the product has
        none for this dealer."""
        if price and price.unit_price is not None:
            amount = quantize(price.unit_price)
            if self.grouping == 3 and not amount.is_signed():
                # What numberformat.format writes for a positive amount grouped by threes, in one C call (digits
                # and commas need no escaping).
                whole, _point, cents = f"{amount:,.2f}".partition(".")
                currency = self.currencies.get(price.currency)
                if currency is None:
                    currency = self.currencies[price.currency] = esc(price.currency)
                thousands, point = self.escaped_seps
                return f"{whole.replace(',', thousands)}{point}{cents} {currency}"
            text = numberformat.format(amount, self.decimal_sep, 2, self.grouping, self.thousand_sep,
                                       force_grouping=True)
            return esc(f"{text} {price.currency}")
        return None

    def unit(self, unit) -> str:
        """`esc(product.unit_label)`."""
        text = self.units.get(unit)
        if text is None:
            text = self.units[unit] = esc(UNIT_LABELS.get(unit, unit))
        return text


# A card's head and add form (everything but the campaign badge, the extras and the price, which are the reader's) by
# everything they depend on: the language, the display mode, the add form's URL, the URL prefix and the product's
# fields the card shows. The same cards recur on every list page a process serves (24 a page, 13 µs each to write).
# Bounded: emptied at _CARD_PARTS_MAX (about 1.3 KB an entry: 1.3 MB at the most, 40 pages of cards).
_CARD_PARTS = {}
_CARD_PARTS_MAX = 1_000


def render_cards(products, *, show_prices: bool, cart_add_url: str | None, display=None) -> str:
    """The cards of `products` (each with `.price`, `.thumb` and `.extras` set by the view), as safe HTML."""
    labels = {"campaign": esc(gettext("Campaign")), "your_price": esc(gettext("Your price")),
              "quantity": esc(gettext("Quantity")), "add": esc(gettext("Add to cart"))}
    cart_add = esc(cart_add_url) if cart_add_url else None
    page = _PageFormats()
    display = stock_display(display)
    page_key = (page.language, display, cart_add, get_script_prefix())
    out = []
    for product in products:
        thumb = product.thumb
        key = (page_key, product.pk, product.sku, product.name, product.unit, product.stock_quantity,
               product.min_order_quantity, product.order_multiple, product.allow_backorder, product.lead_time_days,
               thumb.url if thumb else None, thumb.alt if thumb else None)
        parts = _CARD_PARTS.get(key)
        if parts is None:
            parts = _card_parts(product, labels, page, display, cart_add)
            if len(_CARD_PARTS) >= _CARD_PARTS_MAX:
                _CARD_PARTS.clear()
            _CARD_PARTS[key] = parts
        price = product.price
        campaign = getattr(price, "campaign", None) if price else None
        if show_prices:
            money = page.money(price)
            amount = _AMOUNT.format(money=money, unit=page.unit(product.unit)) if money else "<strong>—</strong>"
            price_html = _PRICE.format(your_price=labels["your_price"], amount=amount)
        else:
            price_html = ""
        campaign_html = _CAMPAIGN.format(name=esc(campaign.name), label=labels["campaign"]) if campaign else ""
        extras = "".join(str(esc(extra)) for extra in getattr(product, "extras", ()))
        out.append(f"{parts[0]}{campaign_html}\n    </p>\n    {extras}\n    {price_html}\n    {parts[1]}{_CARD_END}")
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)


def _card_parts(product, labels, page, display, cart_add) -> tuple[str, str]:
    """(head, add form) of a product's card."""
    url = esc(product.get_absolute_url())
    sku = esc(product.sku)
    thumb = product.thumb
    badge, disabled = _stock_parts(product, page.language, display)
    head = _CARD_HEAD.format(
        sku=sku, url=url, name=esc(product.name), availability=badge,
        thumb=_THUMB.format(src=esc(thumb.url), alt=esc(thumb.alt or product.name)) if thumb else _NO_IMAGE)
    add = _ADD.format(url=url, cart_add_url=cart_add, sku=sku, pk=product.pk, quantity_label=labels["quantity"],
                      quantity=esc(_qty(product.min_order_quantity)),
                      unit_word=esc(unit_word(product.min_order_quantity, product.unit)),
                      disabled=disabled, add_label=labels["add"]) if cart_add else ""
    return head, add


# --- The dense list's rows ---------------------------------------------------------------------------------------------

# A row is its head (up to the price cell), the price cell and its tail (the quantity field and the add button).
_ROW_HEAD = ('<tr data-sku="{sku}"{problem_class}>\n'
             '    <td class="sku">{sku}</td>\n'
             '    \n'  # where the template had a comment
             '    <td class="dense-name"><a href="{url}" tabindex="-1">{name}</a></td>\n'
             '    <td data-label="{unit_label}">{unit}</td>\n'
             '    <td data-label="{availability_label}">{availability}</td>\n'
             '    ')
_ROW_TAIL = '\n    {add}\n  </tr>'
_ROW_PRICE = '<td class="num dense-price" data-label="{label}">{money}</td>'
_ROW_ADD = ('<td class="num" data-label="{quantity_label}"><label class="visually-hidden" for="dq-{pk}">{quantity_of}'
            '</label><input type="text" inputmode="decimal" autocomplete="off" class="qty dense-qty" id="dq-{pk}" '
            'name="q-{pk}" form="dense-form" placeholder="{placeholder}"{typed}{disabled}></td>\n'
            '    <td><button type="submit" form="dense-form" name="only" value="{pk}" class="small dense-add" '
            'tabindex="-1"{disabled}>{add_label}</button></td>')


# A dense row's head and tail (everything but the dealer's price) by everything they depend on: the language, the
# display mode, whether prices and the add fields show, the URL prefix and the product's fields the row shows. The
# same products recur on every dense page a process serves (100 rows, 17 µs each to write). Not for a row with a
# quantity sent back (typed). Bounded: emptied at _ROW_PARTS_MAX (about 1.5 KB an entry: 4 MB at the most, 25
# dense pages; more made a worker's memory grow for the first 10,000 requests, bench_memory).
_ROW_PARTS = {}
_ROW_PARTS_MAX = 2_500


def render_dense_rows(products, *, show_prices: bool, cart_add_url: str | None, display=None) -> str:
    """The dense list's rows of `products` (each with `.price`, and `.typed` when a bulk add sent it back)."""
    labels = {"unit": esc(gettext("Unit")), "availability": esc(gettext("Availability")),
              "your_price": esc(gettext("Your price")), "quantity": esc(gettext("Quantity")),
              "add": esc(gettext("Add"))}
    quantity_of = gettext("Quantity of %(sku)s")
    page = _PageFormats()
    display = stock_display(display)
    page_key = (page.language, display, bool(show_prices), bool(cart_add_url), get_script_prefix())
    out = []
    for product in products:
        typed = getattr(product, "typed", None)
        key = None if typed else (page_key, product.pk, product.sku, product.name, product.unit,
                                  product.stock_quantity, product.min_order_quantity, product.order_multiple,
                                  product.allow_backorder, product.lead_time_days)
        parts = _ROW_PARTS.get(key) if key else None
        if parts is None:
            parts = _row_parts(product, typed, labels, quantity_of, page, display, cart_add_url)
            if key:
                if len(_ROW_PARTS) >= _ROW_PARTS_MAX:
                    _ROW_PARTS.clear()
                _ROW_PARTS[key] = parts
        if show_prices:
            out.append(f'{parts[0]}{_ROW_PRICE.format(label=labels["your_price"], money=page.money(product.price) or "—")}'
                       f'{parts[1]}')
        else:
            out.append(f"{parts[0]}{parts[1]}")
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)


def _row_parts(product, typed, labels, quantity_of, page, display, cart_add_url) -> tuple[str, str]:
    """(head, tail) of a product's dense row."""
    sku = esc(product.sku)
    badge, disabled = _stock_parts(product, page.language, display)
    if cart_add_url:
        add_html = _ROW_ADD.format(
            quantity_label=labels["quantity"], pk=product.pk, quantity_of=quantity_of % {"sku": sku},
            placeholder=esc(_qty(product.min_order_quantity)),
            typed=f' value="{esc(typed)}" aria-invalid="true"' if typed else "", disabled=disabled,
            add_label=labels["add"])
    else:
        add_html = ""
    head = _ROW_HEAD.format(
        sku=sku, problem_class=' class="has-problem"' if typed else "", url=esc(product.get_absolute_url()),
        name=esc(product.name), unit_label=labels["unit"], unit=page.unit(product.unit),
        availability_label=labels["availability"], availability=badge)
    return head, _ROW_TAIL.format(add=add_html)
