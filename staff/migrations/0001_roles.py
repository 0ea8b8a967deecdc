"""The four staff roles as groups (see staff/roles.py)."""

from django.db import migrations

from staff.roles import roles_sync


def create_roles(apps, schema_editor):
    roles_sync(apps=apps)


class Migration(migrations.Migration):
    # The latest migration of every app whose permissions the roles grant (the
    # Administrator's take in every app), so that they all exist by now.
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("pages", "0001_initial"),
        ("payments", "0004_status_label_american_spelling"),
        ("campaigns", "0004_statistic_help_text_in_american_english"),
        ("shop", "0011_staff_permissions"),
        ("donations", "0002_staff_permissions"),
    ]

    operations = [
        # Going back leaves the groups: people may have been put in them.
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
