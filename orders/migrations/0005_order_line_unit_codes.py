"""Order lines keep their unit as a code ("piece"), no longer as the name in the language of whoever placed the order
("adet", "piece"): pages, mails and PDFs word it with plural forms in the reader's language."""
from django.db import migrations

from catalog.units import unit_code


def labels_to_codes(apps, schema_editor):
    OrderLine = apps.get_model("orders", "OrderLine")
    changed = []
    for line in OrderLine.objects.select_related("product").only("pk", "unit", "product__unit").iterator():
        code = unit_code(line.unit) or line.product.unit
        if code != line.unit:
            line.unit = code
            changed.append(line)
    OrderLine.objects.bulk_update(changed, ["unit"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_search_head_and_sku_upper_indexes"),
        ("orders", "0004_order_installments_alter_order_payment_method_and_more"),
    ]

    operations = [
        migrations.RunPython(labels_to_codes, migrations.RunPython.noop),
    ]
