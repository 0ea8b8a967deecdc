"""
The shape shared by the apps' retention commands (`shop_forget_abandoned`,
`donations_forget_unpaid`): erase what is older than a retention period read
from a setting, or from `--days`; a bad period is a command error; say what was
erased, or that nothing was (a second run erases nothing).

An app's command subclasses `RetentionCommand`, names its setting and
implements `erase`, which calls the app's service and words the result.
"""

from argparse import ArgumentParser
from typing import Any, ClassVar

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class RetentionCommand(BaseCommand):
    # The setting holding the retention period in days.
    days_setting: ClassVar[str]
    # Said when nothing was erased; `{days}` is the period.
    nothing_erased: ClassVar[str]

    def erase(self, *, days: int) -> str | None:
        """Erase what is older than `days` days (the app's service; a bad period
        raises ValueError). Returns what to say, or None when nothing was
        erased."""
        raise NotImplementedError

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Override the retention period, in days (at least 1).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = getattr(settings, self.days_setting)
        try:
            said = self.erase(days=days)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"]:
            self.stdout.write(said or self.nothing_erased.format(days=days))
