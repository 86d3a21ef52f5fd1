"""HTML forms of shipping: field validation only, then a service."""
from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.units import quantity_with_unit
from orders.forms import MultipleFileField, MultipleFileInput

from .models import DeliveryOutcome, ProblemKind, ShipmentStatus

# --- The dealer's shipments (issue 14, section 5) -----------------------------------------------------------------

class ShipmentFilterForm(forms.Form):
    """The shipments page's filters (shipping.selectors.list_shipments)."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *ShipmentStatus.choices])
    date_from = forms.DateField(label=_("Shipped from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Shipped until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    order = forms.CharField(label=_("Order number"), required=False, max_length=20)
    tracking = forms.CharField(label=_("Tracking code"), required=False, max_length=64)


class DeliveryReportForm(forms.Form):
    """"Received" or "received with problems": per line of the shipment, what went wrong and how much; what
    happened; photos. The service (report_delivery) checks it all again."""

    outcome = forms.ChoiceField(label=_("The goods arrived"), choices=DeliveryOutcome.choices,
                                widget=forms.RadioSelect, initial=DeliveryOutcome.RECEIVED)
    note = forms.CharField(label=_("What happened"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when there are problems."))
    photos = MultipleFileField(label=_("Photos (JPEG, PNG or WebP, up to 5, at most 5 MB each)"), required=False,
                               widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    def __init__(self, *args, shipment, **kwargs):
        super().__init__(*args, **kwargs)
        self.shipment = shipment
        self.line_rows = []
        kinds = [("", _("No problem")), *ProblemKind.choices]
        for line in shipment.lines.all():
            order_line = line.order_line
            kind = f"kind_{line.pk}"
            quantity = f"quantity_{line.pk}"
            self.fields[kind] = forms.ChoiceField(label=_("Problem with %(sku)s") % {"sku": order_line.sku},
                                                  choices=kinds, required=False)
            self.fields[quantity] = forms.DecimalField(
                label=_("How much of %(sku)s") % {"sku": order_line.sku}, required=False, min_value=0,
                max_digits=12, decimal_places=3,
                help_text=_("At most the %(quantity)s shipped.") % {
                    "quantity": quantity_with_unit(line.quantity, order_line.unit)})
            self.line_rows.append((line, kind, quantity))

    def lines(self):
        """(shipment line, its kind field, its quantity field) for the template."""
        return [(line, self[kind], self[quantity]) for line, kind, quantity in self.line_rows]

    def problems(self) -> list[dict]:
        """The lines given a problem kind, with their quantity (all the line carried when left empty)."""
        found = []
        for line, kind, quantity in self.line_rows:
            chosen = self.cleaned_data.get(kind)
            if chosen:
                found.append({"line": line.pk, "kind": chosen,
                              "quantity": self.cleaned_data.get(quantity) or line.quantity})
        return found
