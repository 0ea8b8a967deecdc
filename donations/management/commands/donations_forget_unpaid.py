"""
`python manage.py donations_forget_unpaid`: erase the details of gifts that
were never paid, once they are older than the retention period.

A gift started online and never paid (abandoned or declined) keeps the
honoree's name and email only `DONATIONS_UNPAID_RETENTION_DAYS` days (default
30); a donor who never completed any gift loses their name and email too.
Donors with a paid gift, and paid gifts, are never touched. Running it twice
erases nothing the second time, and says so.

Run it once a day from cron (see README.md):

    .venv/bin/python manage.py donations_forget_unpaid
"""

from core.management.retention import RetentionCommand
from donations.services.privacy import donations_forget_unpaid


class Command(RetentionCommand):
    help = (
        "Erase the details of unpaid gifts, and of donors who never completed a "
        "gift, older than DONATIONS_UNPAID_RETENTION_DAYS."
    )
    days_setting = "DONATIONS_UNPAID_RETENTION_DAYS"
    nothing_erased = (
        "Nothing to erase: no unpaid gift older than {days} days "
        "still has personal details."
    )

    def erase(self, *, days: int) -> str | None:
        gifts, donors = donations_forget_unpaid(days=days)
        if not (gifts or donors):
            return None
        return (
            f"Erased the details of {gifts} unpaid gift(s) and "
            f"{donors} donor(s) who never completed a gift, older than "
            f"{days} days."
        )
