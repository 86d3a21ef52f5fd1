"""The staff group "Support agents" (dealers.reference creates it empty) gets what the desk and the admin need:
support's tables (tickets and their conversation read and changed through the desk's services, canned replies and
the FAQ written), and a read of the orders, shipments, invoices and dealers the desk's side panel links to."""
from django.db import migrations

GROUP = "Support agents"
# (app label, codename)
PERMISSIONS = [
    *[("support", f"view_{model}") for model in (
        "team", "ticket", "ticketstatuschange", "message", "attachment", "quarantine", "cannedreply", "slapolicy",
        "workinghours", "holiday", "articlecategory", "article", "articlevote", "satisfaction")],
    ("support", "change_ticket"),
    ("support", "add_message"),
    ("support", "add_attachment"),
    ("support", "add_cannedreply"),
    ("support", "change_cannedreply"),
    ("support", "add_article"),
    ("support", "change_article"),
    ("support", "add_articlecategory"),
    ("support", "change_articlecategory"),
    ("dealers", "view_dealer"),
    ("orders", "view_order"),
    ("shipping", "view_shipment"),
    ("payments", "view_invoice"),
]


def give_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are made after every migration ran (post_migrate); make those of these apps now.
    for label in {label for label, _codename in PERMISSIONS}:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for label, codename in PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label=label, codename=codename).first()
        if permission is not None:
            group.permissions.add(permission)


def take_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.clear()


class Migration(migrations.Migration):

    dependencies = [
        ("support", "0001_tickets_sla_faq"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_permissions, take_permissions)]
