"""`python manage.py staff_sync_roles`: put the four staff groups back as
staff/roles.py describes them, e.g. after a new model brought permissions."""

from typing import Any

from django.core.management.base import BaseCommand

from staff.roles import roles_sync


class Command(BaseCommand):
    help = (
        "Create or update the staff roles (groups) so each holds exactly the "
        "permissions staff/roles.py lists. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = roles_sync()
        for group in report.created:
            self.stdout.write(f"Created the group {group!r}.")
        for group, names in report.added.items():
            self.stdout.write(f"{group}: added {', '.join(names)}")
        for group, names in report.removed.items():
            self.stdout.write(f"{group}: removed {', '.join(names)}")
        for group, names in report.missing.items():
            self.stderr.write(
                self.style.WARNING(
                    f"{group}: no such permission (yet?): {', '.join(names)}"
                )
            )
        if not report.changed:
            self.stdout.write(self.style.SUCCESS("The staff roles are up to date."))
