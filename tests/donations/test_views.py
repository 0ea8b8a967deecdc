"""The donate page, a one-time gift through the local test gateway, the fund's
page and the statement link, as a donor's browser would use them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from donations.models import Donation, Donor
from donations.selectors import statement_token
from tests.donations.factories import (
    DonationFactory,
    DonorFactory,
    HomeFundFactory,
    MilestoneFactory,
)
from tests.html import assert_valid_html

pytestmark = pytest.mark.django_db


def test_the_donate_page_offers_the_presets_of_both_frequencies(client, presets):
    HomeFundFactory()
    response = client.get(reverse("donations:donate"))
    assert response.status_code == 200
    html = response.content.decode()
    for amount in ("$25.00", "$250.00", "$15.00", "$30.00"):
        assert amount in html
    assert "<progress" in html and "raised of" in html
    assert "Other amount" in html
    assert_valid_html(response.content)


def test_a_one_time_gift_through_the_local_gateway(
    client, presets, gift_data, local_gateway, django_capture_on_commit_callbacks
):
    response = client.post(
        reverse("donations:donate"), {**gift_data, "cover_fee": "on"}
    )
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert donation.status == Donation.Status.PENDING
    assert donation.amount == Decimal("50.00")
    assert donation.fee_covered == Decimal("1.81")  # (50 + 0.30) / 0.971 = 51.802
    assert response.url.endswith(local_gateway.url(donation.checkout_session_id))

    page = client.get(response.url).content.decode()
    assert "$51.81" in page and "$1.81" in page  # shown to the cent before paying

    with django_capture_on_commit_callbacks(execute=True):
        paid = local_gateway.pay(client, response.url)
        thank_you = client.get(paid.url)
    assert thank_you.status_code == 200
    assert "Thank you for your gift" in thank_you.content.decode()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.processor_fee == Decimal("0.00")
    assert donation.receipt_number
    assert len(mail.outbox) == 1
    assert donation.receipt_number in mail.outbox[0].subject


def test_a_declined_gift_is_not_counted(client, presets, gift_data, local_gateway):
    response = client.post(reverse("donations:donate"), gift_data)
    local_gateway.decline(client, response.url)
    assert Donation.objects.get().status == Donation.Status.FAILED
    assert mail.outbox == []


def test_a_cancelled_payment_comes_back_to_the_form(
    client, presets, gift_data, local_gateway
):
    response = client.post(reverse("donations:donate"), gift_data)
    back = local_gateway.cancel(client, response.url, follow=True)
    assert "nothing was charged" in back.content.decode()
    assert Donation.objects.get().status == Donation.Status.FAILED


def test_errors_keep_what_was_typed_and_charge_nothing(
    client, presets, gift_data, local_gateway
):
    response = client.post(
        reverse("donations:donate"),
        {**gift_data, "one_time_amount": "other", "other_amount": "3", "name": "Bo"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The smallest gift we can take online is $5.00." in html
    assert 'value="Bo"' in html and 'value="3"' in html
    assert not Donation.objects.exists() and not Donor.objects.exists()
    assert_valid_html(response.content)


def test_tampered_fields_cannot_change_what_is_charged(
    client, presets, gift_data, local_gateway
):
    client.post(
        reverse("donations:donate"),
        {**gift_data, "amount": "0.01", "fee_covered": "0", "total": "0.01"},
    )
    assert Donation.objects.get().charged_amount == Decimal("50.00")


def test_without_a_gateway_the_donor_is_told_and_nothing_counts(
    client, presets, gift_data
):
    response = client.post(reverse("donations:donate"), gift_data)
    assert response.status_code == 200
    assert "not available right now" in response.content.decode()
    assert Donation.objects.get().status == Donation.Status.FAILED


@pytest.mark.parametrize(
    "session_id", ["", "nope", "cs_local_\x00", "cs_" + "a" * 300, "cs_local_unknown"]
)
def test_the_thank_you_page_refuses_unknown_sessions(client, session_id):
    assert (
        client.get(
            reverse("donations:thank-you"), {"session_id": session_id}
        ).status_code
        == 404
    )


def test_the_fund_page_shows_progress_milestones_months_and_wall(client):
    fund = HomeFundFactory(goal_amount=Decimal("1000.00"))
    MilestoneFactory(fund=fund, title="Land purchased", amount=Decimal("10.00"))
    MilestoneFactory(fund=fund, title="Doors open", amount=Decimal("900.00"))
    DonationFactory(
        amount=Decimal("50.00"),
        processor_fee=Decimal("1.75"),
        show_on_wall=True,
        donor=DonorFactory(name="Wall Donor"),
    )
    response = client.get(reverse("the-home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "$48.25" in html  # raised: the gift net of its fee
    assert '<progress class="fund-progress__bar" value="48.25" max="1000.00"' in html
    assert "Land purchased" in html and "Reached" in html
    assert "Next milestone: Doors open" in html
    assert "<svg" in html and "Money raised for the home each month" in html
    assert "How the store" in html
    assert "Wall Donor" in html
    assert_valid_html(response.content)


def test_the_fund_page_works_before_staff_set_a_goal(client):
    response = client.get(reverse("the-home"))
    assert response.status_code == 200
    assert "<progress" not in response.content.decode()


def test_a_signed_statement_link_shows_the_year(client):
    donor = DonorFactory(name="Ann Lee")
    DonationFactory(
        donor=donor,
        amount=Decimal("40.00"),
        date=dt.date(2025, 3, 1),
        receipt_number="R-2025-000007",
    )
    url = reverse("donations:statement", args=[statement_token(donor=donor, year=2025)])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "R-2025-000007" in html and "$40.00" in html
    assert "No goods or services were provided" in html


@pytest.mark.parametrize(
    "token", ["forged", "eyJkIjoxLCJ5IjoyMDI1fQ:abc:def", "x" * 500]
)
def test_a_forged_statement_link_is_not_found(client, token):
    response = client.get(reverse("donations:statement", args=[token]))
    assert response.status_code == 404


@pytest.mark.parametrize("gifts", [10, 1000])
def test_the_home_page_shows_the_fund_in_constant_queries(
    client, gifts, django_assert_max_num_queries
):
    HomeFundFactory(goal_amount=Decimal("100000.00"))
    donor = DonorFactory()
    Donation.objects.bulk_create(
        Donation(
            donor=donor,
            amount=Decimal("10.00"),
            processor_fee=Decimal("0"),
            status=Donation.Status.PAID,
            date=dt.date(2026, 5, 1),
            livemode=True,
            reference=f"gift-{n}",
        )
        for n in range(gifts)
    )
    with django_assert_max_num_queries(14):
        response = client.get(reverse("home"))
    html = response.content.decode()
    assert f"${gifts * 10:,}.00</strong> raised of $100,000.00" in html
    assert 'id="fund-progress-label-home"' in html


def test_the_store_table_shows_every_figure_behind_the_proceeds(client, settings):
    from payments.registry import CheckoutOutcome
    from shop.models import Order
    from shop.services.outcomes import order_mark_paid
    from shop.services.placing import order_create_from_cart
    from tests.shop.factories import VariantFactory, checkout_data

    variant = VariantFactory(price=Decimal("25.00"), unit_cost=Decimal("9.00"))
    order = order_create_from_cart(cart={variant.pk: 2}, customer=checkout_data())
    order_mark_paid(
        order_number=order.number or "",
        outcome=CheckoutOutcome(
            action="paid",
            kind="order",
            reference=order.number or "",
            session_id="cs_test_store",
            amount_total=order.total,
            amount_expected=order.total,
            currency="usd",
            fee=Decimal("1.97"),
        ),
    )
    order = Order.objects.with_proceeds().get(pk=order.pk)
    html = client.get(reverse("the-home")).content.decode()
    row = html[html.index("Store proceeds each month") :]
    for figure in (
        "$50.00",  # goods
        f"{order.shipping_amount:,.2f}",
        "−$18.00",  # cost of goods
        f"−${order.shipping_cost:,.2f}",
        "−$1.97",
        f"${order.proceeds:,.2f}",
    ):
        assert figure in row, figure


def test_the_shop_list_shows_the_fund(client):
    HomeFundFactory(goal_amount=Decimal("5000.00"))
    DonationFactory(amount=Decimal("100.00"), processor_fee=Decimal("0"))
    html = client.get(reverse("shop:product-list")).content.decode()
    assert 'id="fund-progress-label-shop"' in html
    assert "$100.00</strong> raised of $5,000.00" in html


def test_starting_gifts_is_rate_limited(client, presets, gift_data, settings):
    settings.DONATE_RATE_PER_VISITOR = "2/10m"
    settings.DONATE_RATE_PER_IP = "100/10m"
    url = reverse("donations:donate")
    client.get(url)  # a browser posts the form it was given (its CSRF cookie)
    for _ in range(2):
        client.post(url, gift_data)  # no gateway: refused politely, not counted
    response = client.post(url, gift_data)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert 'href="tel:+18883737888"' in html  # the hotline is still there
    assert Donation.objects.count() == 2


def test_the_limit_holds_per_address_across_visitors(presets, gift_data, settings):
    from django.test import Client

    settings.DONATE_RATE_PER_VISITOR = "100/10m"
    settings.DONATE_RATE_PER_IP = "2/10m"
    url = reverse("donations:donate")
    codes = [Client().post(url, gift_data).status_code for _ in range(3)]
    assert codes[-1] == 429 and 429 not in codes[:2]


@pytest.mark.parametrize("gifts", [10, 1000])
def test_the_fund_page_reads_the_stores_months_once(
    client, gifts, django_assert_max_num_queries
):
    """/the-home/ shows the store's months in its chart and in its table: one
    read of them serves both (three queries), whatever the number of gifts."""
    HomeFundFactory(goal_amount=Decimal("100000.00"))
    donor = DonorFactory()
    Donation.objects.bulk_create(
        Donation(
            donor=donor,
            amount=Decimal("10.00"),
            processor_fee=Decimal("0"),
            status=Donation.Status.PAID,
            date=timezone.localdate().replace(day=1),
            livemode=True,
            reference=f"gift-{n}",
        )
        for n in range(gifts)
    )
    with django_assert_max_num_queries(9):
        response = client.get(reverse("the-home"))
    assert response.status_code == 200
    assert f"${gifts * 10:,}.00" in response.content.decode()


def test_the_thank_you_page_takes_every_session_id_payments_takes(client):
    """One check of a session id: the longest id `payments` records (255
    characters) is found here as at the shop, not refused by a shorter rule."""
    longest = "cs_test_" + "a" * 247
    assert len(longest) == 255
    DonationFactory(checkout_session_id=longest)
    response = client.get(reverse("donations:thank-you"), {"session_id": longest})
    assert response.status_code == 200
