"""The donate form: every bad amount gets a clear message, nothing is guessed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.forms import MoneyField
from core.money import AmountError, parse_money
from donations.forms import DonateForm

pytestmark = pytest.mark.django_db


def _form(data: dict[str, str], **changes: str) -> DonateForm:
    return DonateForm({**data, **changes})


def test_a_preset_gift_is_valid(presets, gift_data):
    form = _form(gift_data)
    assert form.is_valid(), form.errors
    choice = form.gift_choice()
    assert choice.amount == Decimal("50.00") and choice.frequency == "one_time"
    assert choice.cover_fee is False and choice.dedication == ""


def test_the_monthly_group_is_read_for_a_monthly_gift(presets, gift_data):
    form = _form(gift_data, frequency="monthly", monthly_amount="30.00")
    assert form.is_valid(), form.errors
    assert form.gift_choice().amount == Decimal("30.00")


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("35", "35.00"),
        ("35.5", "35.50"),
        ("$1,000.00", "1000.00"),
        (" 7.25 ", "7.25"),
        ("1,050", "1050.00"),
        ("1,050.00", "1050.00"),
        ("$25", "25.00"),
        (" 25 ", "25.00"),
        ("$ 12,500.5", "12500.50"),
    ],
)
def test_other_amounts_are_read_as_dollars(presets, gift_data, raw, amount):
    form = _form(gift_data, one_time_amount="other", other_amount=raw)
    assert form.is_valid(), form.errors
    assert form.gift_choice().amount == Decimal(amount)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter the amount"),
        ("abc", "dollars and cents"),
        ("10.005", "dollars and cents"),
        ("-20", "dollars and cents"),
        ("4.99", "smallest gift"),
        ("0", "smallest gift"),
        ("25000.01", "contact us"),
        ("1e9", "dollars and cents"),
        ("NaN", "dollars and cents"),
        ("Infinity", "dollars and cents"),
        ("9" * 40, "dollars and cents"),
        ("12\x0034", "dollars and cents"),
        ("10,50", "Write cents after a point, like 10.50"),
        ("25,5", "Write cents after a point"),
        ("1,05", "Write cents after a point"),
        ("1,0500", "dollars and cents"),
        ("12,34,567", "dollars and cents"),
        ("-Infinity", "dollars and cents"),
        ("1_000", "dollars and cents"),
        ("\u0662\u0665", "dollars and cents"),  # Arabic-Indic digits
    ],
)
def test_bad_other_amounts_are_refused(presets, gift_data, raw, message):
    form = _form(gift_data, one_time_amount="other", other_amount=raw)
    assert not form.is_valid()
    assert message in " ".join(map(str, form.errors["other_amount"]))


def test_a_preset_staff_removed_is_refused(presets, gift_data):
    presets[1].is_active = False  # $50 one-time
    presets[1].save()
    form = _form(gift_data)
    assert not form.is_valid()
    assert "no longer offered" in form.errors["one_time_amount"][0]


def test_a_tampered_preset_is_refused(presets, gift_data):
    form = _form(gift_data, one_time_amount="0.01")
    assert not form.is_valid()
    assert "no longer offered" in form.errors["one_time_amount"][0]


def test_an_amount_is_required(presets, gift_data):
    form = _form(gift_data, one_time_amount="")
    assert not form.is_valid()
    assert "Choose an amount" in form.errors["one_time_amount"][0]


def test_a_dedication_needs_a_name(presets, gift_data):
    form = _form(gift_data, dedication="memory")
    assert not form.is_valid()
    assert "name of the person" in form.errors["dedication_name"][0]


def test_name_and_email_are_required(presets, gift_data):
    form = _form(gift_data, name="", email="not-an-email")
    assert not form.is_valid()
    assert "for your receipt" in form.errors["name"][0]
    assert "like name@example.com" in form.errors["email"][0]


def test_a_decimal_comma_is_not_read_as_a_thousand_dollar_gift(presets, gift_data):
    """ "10,50" was once read as $1,050.00: now the donor is asked to write it
    with a point, and nothing is guessed."""
    form = _form(gift_data, one_time_amount="other", other_amount="10,50")
    assert not form.is_valid()
    assert "amount" not in form.cleaned_data
    assert form.errors["other_amount"] == [
        "Write cents after a point, like 10.50. A comma separates thousands, "
        "like 1,050."
    ]


def test_a_preset_gift_ignores_what_is_left_in_the_other_box(presets, gift_data):
    form = _form(gift_data, other_amount="10,50")
    assert form.is_valid(), form.errors
    assert form.gift_choice().amount == Decimal("50.00")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("25", "25.00"),
        ("25.", "25.00"),
        (".5", "0.50"),
        ("0.01", "0.01"),
        ("19.99", "19.99"),
        ("1,050", "1050.00"),
        ("1,050.00", "1050.00"),
        ("1,000,000", "1000000.00"),
        ("999999999999", "999999999999.00"),
    ],
)
def test_parse_money_reads_amounts_as_people_write_them(text, amount):
    assert parse_money(text) == Decimal(amount)
    assert str(parse_money(text)) == amount


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("10,50", "decimal_comma"),
        ("0,5", "decimal_comma"),
        ("1.999", "invalid"),
        ("1e3", "invalid"),
        ("NaN", "invalid"),
        ("sNaN", "invalid"),
        ("Infinity", "invalid"),
        ("inf", "invalid"),
        ("-5", "invalid"),
        ("+5", "invalid"),
        ("", "invalid"),
        (".", "invalid"),
        ("$", "invalid"),
        ("1,05,000", "invalid"),
        ("1.050,00", "invalid"),
        ("9999999999999", "invalid"),  # 13 digits
        ("1" * 31, "invalid"),
    ],
)
def test_parse_money_refuses_what_is_not_an_amount(text, code):
    with pytest.raises(AmountError) as raised:
        parse_money(text)
    assert raised.value.code == code


def test_the_money_field_cleans_to_a_decimal_or_says_why():
    field = MoneyField(required=False)
    assert field.clean(" $1,050.00 ") == Decimal("1050.00")
    assert field.clean("") is None
    with pytest.raises(ValidationError) as raised:
        field.clean("10,50")
    assert raised.value.code == "decimal_comma"
    with pytest.raises(ValidationError, match="This field is required"):
        MoneyField().clean("  ")
