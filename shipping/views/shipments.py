"""The dealer's shipments (issue 14, section 5): the list with its filters, one shipment (lines, parcels with their
tracking links, who carries it, the timeline of moves and tracking events, the waybill), the delivery report
("received" / "received with problems") and its photos.

Who sees what: the list is the acting dealer's (its users in every role, an agent acting for it; staff use the
admin); a shipment, its report and photos are for whom `permissions.may_see_shipment` lets through, anyone else gets
a 404 (selectors). Reporting is `permissions.may_report_delivery`'s (owners, buyers, approvers, agents; viewers and
finance users get the 403 page), and `services.report_delivery` checks it all again."""
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from types import MappingProxyType
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.dateformat import DateFormat
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dealers.permissions import BROWSE
from dealers.views import dealer_page
from portal import documents, uploads
from portal.errors import DomainError, add_to_form
from portal.paging import paginate

from .. import permissions, selectors
from ..forms import DeliveryReportForm, ShipmentFilterForm
from ..models import Carrier, ShipmentKind, ShipmentStatus
from ..services import is_reportable, report_delivery

shipments_page = dealer_page(ability=BROWSE)


@dataclass(slots=True)
class ShipmentRow:
    """One row of the shipments page with every value ready to print: a page of 25 rows costs a few attribute reads
    per cell in the template, not a URL resolution, a choices lookup, a translation or a date filter each."""

    number: str
    url: str
    kind_label: str                 # "" for a shipment to the dealer, the kind's name for a return
    order_number: str
    order_url: str
    status: str
    status_label: str
    shipped_at: str                 # ISO 8601 in the reader's time zone ("" before it left), for <time datetime>
    shipped_at_shown: str           # the same moment as the reader's language writes it (SHORT_DATETIME_FORMAT)
    carrier: str                    # the carrier's name, or "Own truck"
    parcels: list                   # (tracking code, the carrier's tracking page or "") of each parcel


def url_of_number(name: str):
    """`reverse(name, args=[number])` for each number of a page at the price of one reverse: the URL is reversed once
    around a marker and each number quoted into its place as reverse quotes it (for a number without "/": SHP-…,
    ORD-…, which a `str` route argument could not take anyway)."""
    marker = "~number~"
    before, found, after = reverse(name, args=[marker]).partition(marker)
    if not found:
        raise NoReverseMatch(name)
    return lambda number: f"{before}{quote(number, safe=RFC3986_SUBDELIMS + '/~:@')}{after}"


_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "H": "%H", "i": "%M", "s": "%S"}


def moment_writer(format_string: str):
    """A function writing an aware moment as the `date` filter writes it in the reader's time zone: (with "c", the
    ISO 8601 form for <time datetime>; with `format_string`). At a tenth of DateFormat's cost when the format holds
    only numeric day, month, year, hour, minute and second codes and punctuation, as every language's
    SHORT_DATETIME_FORMAT does (portal/formats; shipping/tests/test_moment_writer.py holds it to the filter):
    strftime then; else DateFormat."""
    from django.utils.timezone import get_current_timezone

    zone = get_current_timezone()

    def slow(moment):
        local = template_localtime(moment)
        return local.isoformat(), DateFormat(local).format(format_string)

    pieces = []
    for char in format_string:
        if char in _STRFTIME:
            pieces.append(_STRFTIME[char])
        elif char.isalpha() or char == "\\":
            return slow
        else:
            pieces.append(char.replace("%", "%%"))
    pattern = "".join(pieces)

    def fast(moment):
        if moment.tzinfo is None or moment.year < 1000:
            return slow(moment)
        local = moment.astimezone(zone)
        return local.isoformat(), local.strftime(pattern)

    return fast


def shipment_rows(shipments) -> list[ShipmentRow]:
    """The page's shipments (selectors.list_shipment_rows) as rows, with the text the template used to work out per
    cell: the status and kind in the reader's language, the moment as the `date` filter writes it, the shipment's and
    the order's pages (Order.get_absolute_url) as `reverse` gives them, each parcel's Parcel.tracking_url."""
    status_labels = {value: str(label) for value, label in ShipmentStatus.choices}
    return_label = str(ShipmentKind.RETURN.label)
    own_truck = _("Own truck")
    shipment_url, order_url = url_of_number("shipping:shipment"), url_of_number("orders:order")
    shown = moment_writer(get_format("SHORT_DATETIME_FORMAT"))
    carriers = {}  # a page's few carriers' tracking pages (Carrier.tracking_url), by template
    rows = []
    for shipment in shipments:
        shipped_at, shipped_at_shown = shown(shipment["shipped_at"]) if shipment["shipped_at"] else ("", "")
        if shipment["carrier_id"] is None:
            carrier, parcels = own_truck, [(code, "") for code in shipment["tracking_codes"]]
        else:
            template = shipment["carrier_tracking_template"]
            if template not in carriers:
                carriers[template] = Carrier(tracking_url_template=template)
            carrier = shipment["carrier_name"]
            parcels = [(code, carriers[template].tracking_url(code)) for code in shipment["tracking_codes"]]
        rows.append(ShipmentRow(
            number=shipment["number"], url=shipment_url(shipment["number"]),
            kind_label=return_label if shipment["kind"] == ShipmentKind.RETURN else "",
            order_number=shipment["order_number"], order_url=order_url(shipment["order_number"]),
            status=shipment["status"], status_label=status_labels.get(shipment["status"], shipment["status"]),
            shipped_at=shipped_at, shipped_at_shown=shipped_at_shown,
            carrier=carrier, parcels=parcels))
    return rows


# --- The page's table and filter fields as HTML (issue 18) ---------------------------------------------------------
# The template engine spent about 3 ms of a 9 ms page on the 25 rows (a variable lookup, an escape and a tag per
# cell) and 1 ms on the filter form. The markup is the one templates/shipping/shipment_list.html had, byte for byte
# (shipping/tests/test_golden.py); every value is escaped as the template engine escapes it.

_ROW = """<tr data-number="{number}">
    <td><a href="{url}">{number}</a>{kind}</td>
    <td data-label="{order_label}"><a href="{order_url}">{order_number}</a></td>
    <td data-label="{status_label}"><span class="badge shipment-status status-{status}">{status_shown}</span></td>
    <td data-label="{shipped_label}">{shipped}</td>
    <td data-label="{carrier_label}">{carrier}</td>
    <td data-label="{parcels_label}" class="tracking-codes">{parcels}</td>
  </tr>"""
_TABLE = """<table class="data stack" id="shipment-table">
  <thead><tr><th scope="col">{shipment_label}</th><th scope="col">{order_label}</th><th scope="col">{status_label}</th>\
<th scope="col">{shipped_label}</th><th scope="col">{carrier_label}</th><th scope="col">{parcels_label}</th></tr></thead>
  <tbody>{rows}</tbody>
</table>"""
_TRACKING_LINK = '<a href="{url}" rel="noopener noreferrer" target="_blank" class="tracking-link">{code}</a>'


def esc(value) -> str:
    """The template engine's escaping (conditional_escape) without its lazy-string wrapper."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def shipment_table(rows: list[ShipmentRow]) -> str:
    """The page's table of `rows` (shipment_rows) as HTML: column labels translated once, each row one format."""
    labels = {"order_label": esc(_("Order")), "status_label": esc(_("Status")), "shipped_label": esc(_("Shipped at")),
              "carrier_label": esc(_("Carrier")), "parcels_label": esc(_("Parcels"))}
    html = []
    for row in rows:
        parcels = ", ".join(_TRACKING_LINK.format(url=esc(url), code=esc(code)) if url else esc(code or "—")
                            for code, url in row.parcels)
        html.append(_ROW.format(
            number=esc(row.number), url=esc(row.url),
            kind=f' <span class="badge">{esc(row.kind_label)}</span>' if row.kind_label else "",
            order_url=esc(row.order_url), order_number=esc(row.order_number), status=esc(row.status),
            status_shown=esc(row.status_label),
            shipped=(f'<time datetime="{esc(row.shipped_at)}">{esc(row.shipped_at_shown)}</time>'
                     if row.shipped_at else ""),
            carrier=esc(row.carrier), parcels=parcels, **labels))
    return mark_safe(_TABLE.format(  # noqa: S308 - every value escaped above
        shipment_label=esc(_("Shipment")), rows="".join(html), **labels))


def shipment_filters(params) -> tuple:
    """(the filters to apply, the filter form's fields as HTML) for the request's GET parameters: the same for the
    same language and values of the form's fields, so kept (a few hundred, least recently used dropped) instead of
    building, validating and rendering the form on every request. A bad value in one filter drops that filter only
    (it is shown on the form), never the others."""
    values = tuple(params.get(name) for name in selectors.SHIPMENT_FILTERS) if params else None
    return _filters_of(get_language(), values)


@lru_cache(maxsize=256)
def _filters_of(language, values):
    data = None if values is None else {
        name: value for name, value in zip(selectors.SHIPMENT_FILTERS, values, strict=True) if value is not None}
    form = ShipmentFilterForm(data)
    filters = (form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})) if form.is_bound else {}
    html = "".join(format_html("<label>{} {}{}</label>", field.label, field, field.errors) for field in form)
    return MappingProxyType(dict(filters)), mark_safe(html)  # noqa: S308 - built by format_html


@shipments_page
def shipment_list(request):
    filters, filters_html = shipment_filters(request.GET)
    # Counted without the rows' joins (order number, carrier): a dealer with thousands of shipments pays the count on
    # every page, and the joined count took 16 ms of the database's time where the plain one takes 1 ms.
    # Both through SQL compiled once for these filters (selectors.ShipmentPageRows).
    shipments = selectors.ShipmentPageRows(actor=request.actor, filters=filters)
    paging = paginate(request, shipments, count=shipments.count)
    rows = shipment_rows(paging["page"].object_list)
    return render(request, "shipping/shipment_list.html", {
        "filters_html": filters_html, **paging, "rows": rows, "table": shipment_table(rows) if rows else ""})


def waybill_url(shipment) -> str:
    """The waybill PDF's page once the shipment has a waybill number ("" before, or while its view is missing)."""
    if not shipment.waybill_number:
        return ""
    try:
        return reverse("shipping:waybill", args=[shipment.number])
    except NoReverseMatch:
        return ""


def despatch_url(user, shipment) -> str:
    """The e-İrsaliye XML for staff who may export it ("" for everyone else)."""
    if not permissions.may_export_despatch(user, shipment):
        return ""
    return reverse("shipping:despatch_xml", args=[shipment.number])


def photo_urls(report) -> list[str]:
    return [reverse("shipping:delivery_photo", args=[photo.pk]) for photo in report.photos.all()] if report else []


@login_required
def shipment_detail(request, number):
    actor = request.actor
    shipment = selectors.get_shipment_for_reader(actor=actor, number=number)
    events = list(selectors.shipment_events(shipment=shipment))
    report = selectors.delivery_report_of(shipment=shipment)
    return render(request, "shipping/shipment_detail.html", {
        "shipment": shipment, "lines": list(shipment.lines.all()), "parcels": list(shipment.parcels.all()),
        "timeline": selectors.shipment_timeline(shipment=shipment, events=events),
        "report": report, "photo_urls": photo_urls(report),
        "can_report": report is None and permissions.may_report_delivery(actor, shipment) and is_reportable(shipment),
        "waybill_url": waybill_url(shipment), "despatch_url": despatch_url(request.user, shipment),
    })


@login_required
def delivery_report(request, number):
    """Confirm a shipment received, or received with problems (lines, kind, quantity, what happened, photos)."""
    actor = request.actor
    shipment = selectors.get_shipment_for_reader(actor=actor, number=number)
    if not permissions.may_report_delivery(actor, shipment):
        return render(request, "dealers/forbidden.html", status=403)
    if not is_reportable(shipment):
        messages.info(request, _("The delivery of shipment %(number)s cannot be confirmed (any more).")
                      % {"number": shipment.number})
        return redirect("shipping:shipment", number=shipment.number)
    form = DeliveryReportForm(request.POST or None, request.FILES or None, shipment=shipment)
    if request.method == "POST" and form.is_valid():
        try:
            report_delivery(actor=actor, shipment=shipment, outcome=form.cleaned_data["outcome"],
                            note=form.cleaned_data["note"], problems=form.problems(),
                            photos=form.cleaned_data["photos"])
        except DomainError as exc:
            add_to_form(form, exc, fields={"problems": None})
        else:
            messages.success(request, _("Thank you: the delivery of shipment %(number)s is confirmed.")
                             % {"number": shipment.number})
            return redirect("shipping:shipment", number=shipment.number)
    return render(request, "shipping/delivery_report.html", {"shipment": shipment, "form": form})


@login_required
def delivery_photo(request, pk):
    """A delivery report's photo for whoever may see its shipment (404 for anyone else), as the image type it was
    detected to be when uploaded."""
    photo = selectors.get_delivery_photo(pk=pk)
    documents.check_download(request.user, permissions.DELIVERY_PHOTO, photo)
    return uploads.file_response(photo.file, filename=f"{photo.report.shipment.number}-{photo.pk}")
