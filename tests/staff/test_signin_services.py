"""The two-step sign-in services (staff/two_factor.py): happy path, repeated
call, bad input."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.signin import pseudonym
from staff.two_factor import (
    two_factor_confirm,
    two_factor_device,
    two_factor_device_for_setup,
    two_factor_key_text,
    two_factor_needed,
    two_factor_required,
    two_factor_verify,
)
from tests.staff.signin_helpers import (
    StaffFactory,
    SuperuserFactory,
    code_for,
    confirmed_device,
    wrong_code_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.STAFF_2FA_REQUIRED = True
    settings.STAFF_2FA_REQUIRED_GROUPS = ["Finance", "Administrator"]


def test_who_is_required(settings):
    assert two_factor_required(SuperuserFactory())
    assert two_factor_required(StaffFactory(groups=["Finance"]))
    assert two_factor_required(StaffFactory(groups=["Shop", "Administrator"]))
    assert not two_factor_required(StaffFactory(groups=["Shop"]))
    assert not two_factor_required(AnonymousUser())
    settings.STAFF_2FA_REQUIRED_GROUPS = ["Shop"]
    assert two_factor_required(StaffFactory(groups=["Shop"]))
    settings.STAFF_2FA_REQUIRED = False
    assert not two_factor_required(SuperuserFactory())


def test_who_is_asked_for_a_code(settings):
    settings.STAFF_2FA_REQUIRED = False
    helper = StaffFactory()
    assert not two_factor_needed(helper)
    confirmed_device(helper)
    assert two_factor_needed(helper)
    assert not two_factor_needed(AnonymousUser())


def test_setting_up_keeps_one_device_until_confirmed():
    user = StaffFactory()
    first = two_factor_device_for_setup(user=user)
    assert two_factor_device_for_setup(user=user) == first
    assert not first.confirmed
    assert two_factor_device(user) is None
    assert len(two_factor_key_text(first).replace(" ", "")) == 32


def test_confirm_happy_repeated_and_bad_input():
    user = StaffFactory()
    device = two_factor_device_for_setup(user=user)
    assert two_factor_confirm(user=user, code="12 34") is None
    assert two_factor_confirm(user=user, code="abcdef") is None
    assert two_factor_confirm(user=user, code="") is None
    code = code_for(device)
    assert two_factor_confirm(user=user, code=f"{code[:3]} {code[3:]}") == device
    assert two_factor_device(user) == device
    # Again: nothing left to confirm.
    assert two_factor_confirm(user=user, code=code_for(device, steps_ahead=1)) is None
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_verify_happy_repeated_and_bad_input():
    user = StaffFactory()
    assert two_factor_verify(user=user, code="123456") is None  # no device
    device = confirmed_device(user)
    code = code_for(device)
    assert two_factor_verify(user=user, code=code) == device
    # The same code twice: refused (someone may have seen it).
    assert two_factor_verify(user=user, code=code) is None
    device.throttle_reset()
    assert two_factor_verify(user=user, code=wrong_code_for(device)) is None
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert two_factor_verify(user=user, code="not a code") is None


def test_another_persons_device_does_not_verify():
    owner, other = StaffFactory(), StaffFactory()
    device = confirmed_device(owner)
    assert two_factor_verify(user=other, code=code_for(device)) is None


def test_pseudonyms_are_stable_keyed_and_short(settings):
    assert pseudonym("volunteer") == pseudonym("volunteer")
    assert pseudonym("volunteer") != pseudonym("volunteer2")
    assert len(pseudonym("203.0.113.5")) == 12
    assert pseudonym(None) == "-"
    before = pseudonym("volunteer")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert pseudonym("volunteer") != before
