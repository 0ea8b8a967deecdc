"""The donate form: every bad amount gets a clear message, nothing is guessed."""

from decimal import Decimal

import pytest

from donations.forms import DonateForm, parse_amount

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
    [("35", "35.00"), ("35.5", "35.50"), ("$1,000.00", "1000.00"), (" 7.25 ", "7.25")],
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
        ("9" * 40, "Ensure this value has at most"),
        ("12\x0034", "Null characters"),
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


def test_parse_amount_refuses_floats_in_disguise():
    with pytest.raises(ValueError):
        parse_amount("1.999")
