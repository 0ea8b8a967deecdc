from decimal import Decimal

from donations.checks import check_donation_amounts, check_receipt_settings


def test_receipts_without_an_ein_are_flagged_for_deployment(settings):
    settings.ORGANIZATION_EIN = ""
    assert [w.id for w in check_receipt_settings()] == ["donations.W001"]
    settings.ORGANIZATION_EIN = "12-3456789"
    assert check_receipt_settings() == []


def test_impossible_amount_and_fee_settings_stop_the_site(settings):
    assert check_donation_amounts() == []
    settings.DONATION_MINIMUM = Decimal("100")
    settings.DONATION_MAXIMUM = Decimal("10")
    settings.DONATION_FEE_RATE = Decimal("1.5")
    assert [e.id for e in check_donation_amounts()] == [
        "donations.E001",
        "donations.E002",
    ]
