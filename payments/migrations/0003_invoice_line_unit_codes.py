"""Invoice lines keep their unit as a code, as order lines do: an old stored name ("adet", "piece") becomes the code,
else the unit of the order line or the product with the same SKU."""
from django.db import migrations

from catalog.units import unit_code


def labels_to_codes(apps, schema_editor):
    InvoiceLine = apps.get_model("payments", "InvoiceLine")
    OrderLine = apps.get_model("orders", "OrderLine")
    Product = apps.get_model("catalog", "Product")
    changed = []
    for line in InvoiceLine.objects.select_related("invoice").only("pk", "unit", "sku", "invoice__order_id").iterator():
        code = unit_code(line.unit)
        if code is None and line.invoice.order_id:
            code = (OrderLine.objects.filter(order_id=line.invoice.order_id, sku=line.sku)
                    .values_list("product__unit", flat=True).first())
        if code is None:
            code = Product.objects.filter(sku=line.sku).values_list("unit", flat=True).first()
        if code and code != line.unit:
            line.unit = code
            changed.append(line)
    InvoiceLine.objects.bulk_update(changed, ["unit"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_search_head_and_sku_upper_indexes"),
        ("orders", "0005_order_line_unit_codes"),
        ("payments", "0002_cards_refunds_no_invoice_surcharge"),
    ]

    operations = [
        migrations.RunPython(labels_to_codes, migrations.RunPython.noop),
    ]
