# Finance and Administrator handle privacy requests: give both groups the
# permission to handle them and to see the list of past requests (creating the
# permissions first: they are otherwise made only after the whole `migrate` has
# run, and creating the groups when they do not exist yet). staff/roles.py
# should list the same two for Finance, so that a later sync keeps them.

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Finance", "Administrator"]
CODENAMES = ["handle_privacy_request", "view_privacyrequest"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("staff")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="staff", codename__in=CODENAMES
        )
    )
    if len(permissions) != len(CODENAMES):
        raise RuntimeError(f"Expected the permissions {CODENAMES}, found {permissions}.")
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="staff", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0002_privacyrequest"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
