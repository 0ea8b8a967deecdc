"""
Server-rendered bar charts: the geometry of a stacked bar chart, computed here
and drawn by `templates/includes/bar_chart.html` as inline SVG. No chart
library, no script, nothing from another site; the table beside each chart is
its text alternative.

Each chart comes in two layouts of the same figures: columns for a wide screen,
and rows (one bar per label, its total written beside it) for a phone, where
twelve columns would shrink their labels past reading. The stylesheet shows one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.money import format_money


@dataclass(frozen=True, kw_only=True)
class Segment:
    series: int  # index of the series, for its color class
    label: str
    value: Decimal
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, kw_only=True)
class Bar:
    label: str
    total: Decimal
    x: float
    label_x: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True, kw_only=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True, kw_only=True)
class RowSegment:
    series: int
    label: str
    value: Decimal
    x: float
    width: float


@dataclass(frozen=True, kw_only=True)
class Row:
    """One label's bar in the narrow layout, drawn left to right."""

    label: str
    total_label: str
    y: float  # the bar's top
    text_y: float  # the middle of the row, for its label and total
    total_x: float  # the totals' right edge: they line up in a column
    segments: tuple[RowSegment, ...]


# The narrow layout, in the SVG's units: drawn about as wide as a phone's
# column, so its 12-unit text stays about 12 pixels.
ROW_WIDTH = 320
ROW_LABEL = 40.0  # the label column
ROW_TOTAL = 84.0  # the totals' column, after the longest bar
ROW_HEIGHT = 26.0
ROW_BAR = 16.0


@dataclass(frozen=True, kw_only=True)
class BarChart:
    width: int
    height: int
    plot_top: float
    plot_bottom: float
    plot_left: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    series: tuple[str, ...]
    rows: tuple[Row, ...] = ()
    row_width: int = ROW_WIDTH
    row_height: int = 0


def _totals(values: Sequence[Sequence[Decimal]]) -> list[Decimal]:
    """Each bar's total, negative amounts (a month of refunds) counted as zero."""
    return [sum((max(v, Decimal(0)) for v in row), Decimal(0)) for row in values]


def _stack(
    row: Sequence[Decimal], *, full: Decimal, length: float
) -> list[tuple[int, Decimal, float, float]]:
    """A bar's amounts laid end to end from its base, `full` dollars drawn
    `length` units long: (series, value, start, size) for each one drawn.
    Nothing is drawn for zero or a negative amount."""
    pieces = []
    start = 0.0
    for s, value in enumerate(row):
        amount = max(value, Decimal(0))
        size = float(amount / full) * length if full > 0 else 0.0
        if size <= 0:
            continue
        pieces.append((s, value, start, size))
        start += size
    return pieces


def _rows(
    labels: Sequence[str], series: Sequence[str], values: Sequence[Sequence[Decimal]]
) -> tuple[tuple[Row, ...], int]:
    """The narrow layout: a row per label, its bar as long as its share of the
    largest total. Returns the rows and the drawing's height."""
    totals = _totals(values)
    largest = max(totals, default=Decimal(0))
    room = ROW_WIDTH - ROW_LABEL - ROW_TOTAL
    rows = []
    for i, (label, row) in enumerate(zip(labels, values, strict=True)):
        top = 4 + ROW_HEIGHT * i + (ROW_HEIGHT - ROW_BAR) / 2
        segments = [
            RowSegment(
                series=s,
                label=series[s],
                value=value,
                x=round(ROW_LABEL + start, 2),
                width=round(size, 2),
            )
            for s, value, start, size in _stack(row, full=largest, length=room)
        ]
        rows.append(
            Row(
                label=label,
                total_label=format_money(totals[i]).removesuffix(".00"),
                y=round(top, 2),
                text_y=round(top + ROW_BAR / 2, 2),
                total_x=float(ROW_WIDTH),
                segments=tuple(segments),
            )
        )
    return tuple(rows), int(8 + ROW_HEIGHT * len(labels))


def _nice_ceiling(value: Decimal) -> Decimal:
    """1, 2 or 5 times a power of ten, at least `value`: round axis labels."""
    if value <= 0:
        return Decimal("1")
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= magnitude * step:
            return magnitude * step
    return magnitude * 10


def stacked_bar_chart(
    *,
    labels: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[Decimal]],
    width: int = 720,
    height: int = 300,
) -> BarChart:
    """`values[i][s]` is bar i's amount for series s. Negative amounts (a month
    of refunds) are drawn as zero: the table beside the chart shows them."""
    if len(values) != len(labels):
        raise ValueError("One row of values per label.")
    left, top, bottom_gap = 64.0, 12.0, 28.0
    bottom = height - bottom_gap
    plot_height = bottom - top
    totals = _totals(values)
    ceiling = _nice_ceiling(max(totals, default=Decimal(0)))
    slot = (width - left) / max(len(labels), 1)
    bar_width = slot * 0.6
    bars = []
    for i, (label, row) in enumerate(zip(labels, values, strict=True)):
        x = left + slot * i + (slot - bar_width) / 2
        segments = [
            Segment(
                series=s,
                label=series[s],
                value=value,
                x=round(x, 2),
                y=round(bottom - start - size, 2),
                width=round(bar_width, 2),
                height=round(size, 2),
            )
            for s, value, start, size in _stack(row, full=ceiling, length=plot_height)
        ]
        bars.append(
            Bar(
                label=label,
                total=totals[i],
                x=round(x, 2),
                label_x=round(x + bar_width / 2, 2),
                segments=tuple(segments),
            )
        )
    ticks = tuple(
        Tick(
            y=round(bottom - plot_height * k / 4, 2),
            label=format_money(ceiling * k / 4).removesuffix(".00"),
        )
        for k in range(5)
    )
    rows, row_height = _rows(labels, series, values)
    return BarChart(
        rows=rows,
        row_height=row_height,
        width=width,
        height=height,
        plot_top=top,
        plot_bottom=bottom,
        plot_left=left,
        bars=tuple(bars),
        ticks=ticks,
        series=tuple(series),
    )
