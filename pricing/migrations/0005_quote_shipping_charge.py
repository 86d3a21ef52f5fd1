# A quote carries a delivery method (a shipping method's code) and its charge (issue 14, section 1).
from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("pricing", "0004_field_labels"),
    ]

    operations = [
        migrations.AlterField(
            model_name="quote",
            name="delivery_method",
            field=models.CharField(blank=True, max_length=40, verbose_name="delivery method"),
        ),
        migrations.AddField(
            model_name="quote",
            name="shipping_insured",
            field=models.BooleanField(default=False, verbose_name="cargo insurance"),
        ),
        migrations.AddField(
            model_name="quote",
            name="shipping_label",
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="delivery method name"),
        ),
        migrations.AddField(
            model_name="quote",
            name="shipping_net",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), editable=False, max_digits=14,
                                      verbose_name="shipping charge (net)"),
        ),
        migrations.AddField(
            model_name="quote",
            name="shipping_vat_rate",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), editable=False, max_digits=5,
                                      verbose_name="VAT rate on shipping (%)"),
        ),
        migrations.AddField(
            model_name="quote",
            name="shipping_vat",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), editable=False, max_digits=14,
                                      verbose_name="VAT on shipping"),
        ),
        migrations.AddField(
            model_name="quote",
            name="shipping_insurance_net",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), editable=False, max_digits=14,
                                      verbose_name="insurance premium (net)"),
        ),
    ]
