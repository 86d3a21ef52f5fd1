from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("dealers", "0002_initial_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="dealer",
            name="shipping_address_line",
            field=models.CharField(blank=True, max_length=255, verbose_name="delivery address"),
        ),
        migrations.AddField(
            model_name="dealer",
            name="shipping_city",
            field=models.CharField(blank=True, max_length=100, verbose_name="delivery city"),
        ),
        migrations.AddField(
            model_name="dealer",
            name="shipping_postal_code",
            field=models.CharField(blank=True, max_length=20, verbose_name="delivery postal code"),
        ),
    ]
