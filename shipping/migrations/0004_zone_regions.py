# A zone may hold a region of Turkey (issue 14, section 1): a zone place is a city, a region or a postcode prefix.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("shipping", "0003_tracking_waybill_delivery"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="zoneline",
            name="zone_line_city_or_postcode",
        ),
        migrations.AddField(
            model_name="zoneline",
            name="region",
            field=models.CharField(
                blank=True, max_length=30, verbose_name="region",
                choices=[("marmara", "Marmara"), ("aegean", "Aegean"), ("mediterranean", "Mediterranean"),
                         ("central_anatolia", "Central Anatolia"), ("black_sea", "Black Sea"),
                         ("eastern_anatolia", "Eastern Anatolia"), ("southeastern_anatolia", "Southeastern Anatolia")],
                help_text="One of Turkey's seven geographic regions: every city of its provinces."),
        ),
        migrations.AddConstraint(
            model_name="zoneline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(models.Q(("city", ""), _negated=True), ("region", ""), ("postcode_prefix", "")),
                    models.Q(("city", ""), models.Q(("region", ""), _negated=True), ("postcode_prefix", "")),
                    models.Q(("city", ""), ("region", ""), models.Q(("postcode_prefix", ""), _negated=True)),
                    _connector="OR"),
                name="zone_line_city_region_or_postcode"),
        ),
    ]
