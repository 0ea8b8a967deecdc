"""The bar chart's two layouts: columns for a wide screen, and rows for a phone,
where each month is a bar drawn left to right with its total written at the
end, in text the size of the page's small print."""

from decimal import Decimal

from django.template.loader import render_to_string

from core.charts import ROW_LABEL, ROW_TOTAL, ROW_WIDTH, stacked_bar_chart
from tests.html import assert_valid_html

D = Decimal


def chart():
    return stacked_bar_chart(
        labels=["Jan", "Feb", "Mar"],
        series=["Store", "Gifts"],
        values=[(D("10"), D("30")), (D("0"), D("0")), (D("-5"), D("20000.50"))],
    )


def test_rows_are_as_long_as_their_share_of_the_largest_total():
    rows = chart().rows
    assert [row.label for row in rows] == ["Jan", "Feb", "Mar"]
    assert [row.total_label for row in rows] == ["$40", "$0", "$20,000.50"]
    room = ROW_WIDTH - ROW_LABEL - ROW_TOTAL
    mar = rows[2]
    # A negative month (refunds) draws nothing; its table shows it.
    assert [s.series for s in mar.segments] == [1]
    assert mar.segments[0].x == ROW_LABEL and mar.segments[0].width == room
    jan = rows[0]
    assert [s.width for s in jan.segments] == [
        round(room * 10 / 20000.5, 2),
        round(room * 30 / 20000.5, 2),
    ]
    assert jan.segments[1].x == round(ROW_LABEL + room * 10 / 20000.5, 2)
    assert rows[1].segments == ()
    # Totals line up at the right edge, rows one under the other, all inside.
    assert {row.total_x for row in rows} == {ROW_WIDTH}
    assert rows[0].y < rows[1].y < rows[2].y < chart().row_height


def test_an_empty_year_draws_empty_rows():
    empty = stacked_bar_chart(labels=["Jan"], series=["Store"], values=[(D("0"),)])
    assert empty.rows[0].segments == () and empty.rows[0].total_label == "$0"


def test_the_template_draws_both_layouts():
    html = render_to_string(
        "includes/bar_chart.html",
        {"chart": chart(), "chart_id": "fund", "title": "Raised", "caption": ""},
    )
    assert_valid_html(f"<!doctype html><title>t</title>{html}")
    assert 'class="chart__svg chart__svg--columns"' in html
    assert 'class="chart__svg chart__svg--rows"' in html
    assert 'aria-labelledby="fund-title"' in html
    assert 'aria-labelledby="fund-rows-title"' in html
    assert ">$20,000.50</text>" in html
