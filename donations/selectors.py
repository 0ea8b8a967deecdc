"""
The Home fund's figures, always derived from the records (never typed in):

    raised = store proceeds (the shop's one proceeds formula)
           + paid gifts, net of the processor's fee, less refunds

Test-mode payments count only while the local test gateway is enabled
(development and the demo); pending, failed, refunded and "needs review"
payments never count. Each figure takes a constant number of aggregate queries
however many orders and gifts there are.

Also the other reads of the app: the donor wall, and a donor's annual statement
with its signed link (sent by `donations.services.statements`).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url
from core.money import ZERO
from donations.models import Donation, Donor, HomeFund, Milestone
from shop.selectors import MonthSales, sales_by_month, shop_proceeds

MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)

# What a counted gift brings the home: what was charged, less the processor's
# fee (0 while not yet known) and anything refunded.
NET = ExpressionWrapper(
    F("amount")
    + F("fee_covered")
    - Coalesce(F("processor_fee"), Value(ZERO), output_field=MONEY_FIELD)
    - F("amount_refunded"),
    output_field=MONEY_FIELD,
)


def _include_test_payments() -> bool:
    return bool(settings.PAYMENTS_LOCAL_GATEWAY) and not settings.STRIPE_SECRET_KEY


def counted_donations() -> QuerySet[Donation]:
    """The gifts whose money the home keeps."""
    gifts = Donation.objects.counted()
    if not _include_test_payments():
        gifts = gifts.filter(livemode=True)
    return gifts


def _month_start(day: dt.date, months_back: int = 0) -> dt.date:
    month = day.month - months_back
    year = day.year
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value


def donations_net_total() -> Decimal:
    total = counted_donations().aggregate(
        net=Coalesce(Sum(NET), Value(ZERO), output_field=MONEY_FIELD)
    )["net"]
    return Decimal(total).quantize(Decimal("0.01"))


def fund_raised() -> Decimal:
    """Store proceeds plus net gifts: the one number the progress bars show."""
    return shop_proceeds() + donations_net_total()


@dataclass(frozen=True, kw_only=True)
class FundProgress:
    fund: HomeFund
    raised: Decimal
    milestones: tuple[Milestone, ...]

    @property
    def goal(self) -> Decimal:
        return self.fund.goal_amount

    @property
    def percent(self) -> int:
        """Whole percent, capped at 100, for a bar that must not overflow."""
        if self.goal <= 0:
            return 0
        return min(100, int(self.raised * 100 / self.goal))

    @property
    def reached(self) -> tuple[Milestone, ...]:
        return tuple(m for m in self.milestones if m.amount <= self.raised)

    @property
    def next_milestone(self) -> Milestone | None:
        return next((m for m in self.milestones if m.amount > self.raised), None)

    @property
    def progress_value(self) -> Decimal:
        """For `<progress value max>`: never above the goal."""
        return min(self.raised, self.goal)


def fund_progress() -> FundProgress | None:
    """The fund, what has been raised, its milestones; None before staff set a
    goal."""
    fund = HomeFund.objects.order_by("pk").first()
    if fund is None:
        return None
    return FundProgress(
        fund=fund,
        raised=fund_raised(),
        milestones=tuple(fund.milestones.all()),
    )


@dataclass(frozen=True, kw_only=True)
class FundMonth:
    month: dt.date  # the first of the month
    store: Decimal
    online: Decimal
    offline: Decimal

    @property
    def total(self) -> Decimal:
        return self.store + self.online + self.offline


def fund_by_month(*, months: int = 12, today: dt.date | None = None) -> list[FundMonth]:
    """The last `months` months (this one included), oldest first, by source:
    store proceeds, online gifts, offline gifts. Months with nothing are shown
    as zero so a chart has no gaps."""
    return fund_history(months=months, today=today).months


def store_by_month(
    *, months: int = 12, today: dt.date | None = None
) -> list[MonthSales]:
    """The shop's own monthly figures behind its proceeds, newest first."""
    return fund_history(months=months, today=today).store_months


@dataclass(frozen=True, kw_only=True)
class FundHistory:
    months: list[FundMonth]  # as `fund_by_month`
    store_months: list[MonthSales]  # as `store_by_month`


def fund_history(*, months: int = 12, today: dt.date | None = None) -> FundHistory:
    """`fund_by_month` and `store_by_month` together, as /the-home/ shows them:
    the shop's monthly sales are read once for both."""
    today = today or timezone.localdate()
    first = _month_start(today, months - 1)
    sales = sales_by_month(start=first)
    store = {_as_date(row.month).replace(day=1): row.proceeds for row in sales}
    gifts: dict[tuple[dt.date, str], Decimal] = {}
    rows = (
        counted_donations()
        .filter(Q(date__gte=first))
        .annotate(month=TruncMonth("date"))
        .values("month", "source")
        .annotate(net=Sum(NET))
        .order_by()
    )
    for row in rows:
        gifts[(_as_date(row["month"]), row["source"])] = Decimal(row["net"])
    result = []
    for back in range(months - 1, -1, -1):
        month = _month_start(today, back)
        result.append(
            FundMonth(
                month=month,
                store=store.get(month, ZERO),
                online=gifts.get((month, Donation.Source.ONLINE), ZERO),
                offline=gifts.get((month, Donation.Source.OFFLINE), ZERO),
            )
        )
    return FundHistory(
        months=result,
        store_months=sorted(sales, key=lambda row: row.month, reverse=True),
    )


@dataclass(frozen=True, kw_only=True)
class WallEntry:
    name: str  # "Anonymous" for anonymous gifts


def donor_wall(*, limit: int = 200) -> list[WallEntry]:
    """Donors who asked to be shown, newest first, one entry per donor; no
    amounts. Anonymous gifts show as "Anonymous"; entries staff hid never show."""
    rows = (
        counted_donations()
        .filter(show_on_wall=True, hidden_from_wall=False)
        .order_by("-paid_at", "-pk")
        .values_list("donor_id", "donor__name", "is_anonymous")[: limit * 3]
    )
    seen: set[int] = set()
    entries: list[WallEntry] = []
    for donor_id, name, anonymous in rows:
        if anonymous:
            entries.append(WallEntry(name="Anonymous"))
            continue
        if donor_id in seen or not name:
            continue
        seen.add(donor_id)
        entries.append(WallEntry(name=name))
        if len(entries) >= limit:
            break
    return entries[:limit]


# ---------------------------------------------------------------------------
# Annual statements and their signed links
# ---------------------------------------------------------------------------
_STATEMENT_SALT = "donations.statement"


@dataclass(frozen=True, kw_only=True)
class Statement:
    donor: Donor
    year: int
    gifts: tuple[Donation, ...]

    @property
    def total(self) -> Decimal:
        return sum(
            (gift.charged_amount - gift.amount_refunded for gift in self.gifts),
            ZERO,
        )


def _gifts(donor: Donor, year: int) -> QuerySet[Donation]:
    return donor.donations.counted().filter(date__year=year).order_by("date", "pk")


def statement_for(*, donor: Donor, year: int) -> Statement:
    return Statement(donor=donor, year=year, gifts=tuple(_gifts(donor, year)))


def statement_token(*, donor: Donor, year: int) -> str:
    return signing.Signer(salt=_STATEMENT_SALT).sign_object(
        {"d": donor.pk, "y": year}, compress=True
    )


def statement_from_token(token: str) -> Statement | None:
    """The statement a signed link names; None for a forged or broken link."""
    try:
        data = signing.Signer(salt=_STATEMENT_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    donor_id, year = data.get("d"), data.get("y")
    if not isinstance(donor_id, int) or not isinstance(year, int):
        return None
    donor = Donor.objects.filter(pk=donor_id).first()
    if donor is None:
        return None
    return statement_for(donor=donor, year=year)


def statement_url(*, donor: Donor, year: int) -> str:
    token = statement_token(donor=donor, year=year)
    return absolute_url(reverse("donations:statement", args=[token]))
