"""Two-step sign-in: after the password, a code from an authenticator app, for
superusers and the Finance and Administrator groups when STAFF_2FA_REQUIRED is
on, and for anyone who set an app up; nothing in the admin opens before it."""

import re
from base64 import b64decode

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.campaigns.factories import CampaignFactory
from tests.staff.signin_helpers import (
    StaffFactory,
    SuperuserFactory,
    code_for,
    confirmed_device,
    sign_in,
    signed_in_user_id,
    wrong_code_for,
)

pytestmark = pytest.mark.django_db

VERIFY = "signin:two-factor-verify"
SETUP = "signin:two-factor-setup"


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.STAFF_2FA_REQUIRED = True
    settings.STAFF_2FA_REQUIRED_GROUPS = ["Finance", "Administrator"]


def _location(response):
    return response["Location"].split("?")[0]


def test_a_required_superuser_without_an_app_is_sent_to_set_one_up(client):
    boss = SuperuserFactory()
    response = sign_in(client, boss.username)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(boss.pk)  # the password was right...

    # ...but every admin page leads to setting up an app first.
    for name in ("admin:index", "admin:auth_user_changelist", "admin:password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert _location(response) == reverse(SETUP)

    page = client.get(reverse(SETUP), {"next": reverse("admin:index")})
    assert page.status_code == 200
    html = page.content.decode()
    qr = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert qr, "the QR code is an inline SVG image"
    assert b64decode(qr.group(1)).lstrip().startswith(b"<?xml")
    device = TOTPDevice.objects.get(user=boss, confirmed=False)
    key_text = page.context["key_text"]
    assert key_text in html
    assert 'value="Turn on two-step sign-in"' in html
    assert f'name="next" value="{reverse("admin:index")}"' in html
    assert "https://" not in b64decode(qr.group(1)).decode()  # nothing fetched

    # Reloading shows the same key (a scan is not undone).
    assert client.get(reverse(SETUP)).context["key_text"] == key_text

    response = client.post(
        reverse(SETUP), {"code": code_for(device), "next": reverse("admin:index")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_a_wrong_first_code_does_not_turn_it_on(client):
    boss = SuperuserFactory()
    sign_in(client, boss.username)
    client.get(reverse(SETUP))
    device = TOTPDevice.objects.get(user=boss)
    for code in (wrong_code_for(device), "12345", "abcdef"):
        response = client.post(reverse(SETUP), {"code": code})
        assert response.status_code == 200
        assert response.context["form"].errors["code"]
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("admin:index")).status_code == 302


def test_with_an_app_the_password_alone_is_not_enough(client):
    boss = SuperuserFactory()
    device = confirmed_device(boss)
    sign_in(client, boss.username)

    response = client.get(reverse("admin:index"))
    assert _location(response) == reverse(VERIFY)
    # Setting up another app is not a way around the code.
    assert _location(client.get(reverse(SETUP))) == reverse(VERIFY)

    response = client.post(reverse(VERIFY), {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert "That code did not work" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302

    device.throttle_reset()  # django-otp makes the next try wait a second
    response = client.post(
        reverse(VERIFY), {"code": code_for(device), "next": reverse("admin:index")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_code_works_once(client, django_user_model):
    boss = SuperuserFactory()
    device = confirmed_device(boss)
    code = code_for(device)
    sign_in(client, boss.username)
    assert client.post(reverse(VERIFY), {"code": code}).status_code == 302

    # Someone who saw the code over the volunteer's shoulder cannot reuse it.
    client.logout()
    sign_in(client, boss.username)
    response = client.post(reverse(VERIFY), {"code": code})
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_wrong_codes_count_toward_the_lockout(client):
    boss = SuperuserFactory()
    device = confirmed_device(boss)
    sign_in(client, boss.username)
    for _ in range(4):
        response = client.post(reverse(VERIFY), {"code": wrong_code_for(device)})
        assert response.status_code == 200
    response = client.post(reverse(VERIFY), {"code": wrong_code_for(device)})
    assert response.status_code == 429
    assert "staff/locked_out.html" in [t.name for t in response.templates]
    assert signed_in_user_id(client) is None  # signed out
    assert AccessAttempt.objects.get().failures_since_start == 5

    # Even with the password and then the right code, the account stays locked.
    device.throttle_reset()
    assert sign_in(client, boss.username).status_code == 429
    assert signed_in_user_id(client) is None


def test_finance_and_administrator_members_must_use_it(client):
    for group in ("Finance", "Administrator"):
        member = StaffFactory(groups=[group])
        client.logout()
        sign_in(client, member.username)
        response = client.get(reverse("admin:index"))
        assert _location(response) == reverse(SETUP), group


def test_other_staff_are_not_asked(client):
    helper = StaffFactory(groups=["Shop"])
    sign_in(client, helper.username)
    assert client.get(reverse("admin:index")).status_code == 200


def test_other_staff_may_turn_it_on_and_are_then_asked(client):
    helper = StaffFactory(groups=["Shop"])
    sign_in(client, helper.username)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse(SETUP) in index  # the "Two-step sign-in" link in the header
    page = client.get(reverse(SETUP))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=helper)
    assert client.post(reverse(SETUP), {"code": code_for(device)}).status_code == 302
    assert "is on" in client.get(reverse(SETUP)).content.decode()

    client.logout()
    sign_in(client, helper.username)
    assert _location(client.get(reverse("admin:index"))) == reverse(VERIFY)


def test_with_the_setting_off_nobody_is_required(client, settings):
    settings.STAFF_2FA_REQUIRED = False
    boss = SuperuserFactory()
    sign_in(client, boss.username)
    assert client.get(reverse("admin:index")).status_code == 200


def test_until_the_code_only_sign_out_opens(client):
    boss = SuperuserFactory()
    confirmed_device(boss)
    sign_in(client, boss.username)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_until_the_code_the_public_site_sees_a_visitor(client):
    campaign = CampaignFactory(status="draft")
    preview = reverse("campaigns:campaign-preview", args=[campaign.slug])
    boss = SuperuserFactory()
    device = confirmed_device(boss)
    sign_in(client, boss.username)
    response = client.get(preview)
    assert response.status_code == 302  # to sign in, like any visitor

    client.post(reverse(VERIFY), {"code": code_for(device)})
    assert client.get(preview).status_code == 200


def test_the_verify_page_looks_like_the_admin_and_offers_sign_out(client):
    boss = SuperuserFactory()
    confirmed_device(boss)
    sign_in(client, boss.username)
    response = client.get(reverse(VERIFY))
    html = response.content.decode()
    assert "admin/staff/two_factor_verify.html" in [t.name for t in response.templates]
    assert "Redeeming Hope administration" in html
    assert reverse("admin:logout") in html
    assert 'autocomplete="one-time-code"' in html
    assert '<input type="submit" value="Continue">' in html
    # No menu of the admin's apps before the code.
    assert reverse("admin:auth_user_changelist") not in html


def test_the_next_address_stays_on_this_site(client):
    boss = SuperuserFactory()
    device = confirmed_device(boss)
    sign_in(client, boss.username)
    response = client.post(
        reverse(VERIFY), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("admin:index")
