"""
Two-step sign-in for staff: after the password, a 6-digit code from an
authenticator app (TOTP, through django-otp's TOTP devices).

Who must use it: with STAFF_2FA_REQUIRED on, every superuser and every member of
the groups in STAFF_2FA_REQUIRED_GROUPS (by name, so these functions do not
depend on the migration that creates the groups). Anyone else who set up an app
for themselves uses it too: a code is asked of everyone with a confirmed device.

One authenticator app per person: setting up creates an unconfirmed device whose
key the page shows (QR code and text), and the first correct code confirms it.
A used code cannot be used again (django-otp keeps the last time step used), and
wrong codes slow further tries down (django-otp's throttling) on top of the
sign-in lockout, which counts them as failed sign-ins.
"""

import base64
from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"

type AnyUser = AbstractUser | AnonymousUser


def is_verified(user: object) -> bool:
    """Has this user entered a right code in this session? (django-otp's
    middleware gives request.user an is_verified())"""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def two_factor_required(user: AnyUser) -> bool:
    """Must this person use two-step sign-in (whether or not they set it up)?"""
    if not settings.STAFF_2FA_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    groups = list(settings.STAFF_2FA_REQUIRED_GROUPS)
    return bool(groups) and user.groups.filter(name__in=groups).exists()


def two_factor_device(user: AnyUser) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if any."""
    if not user.is_authenticated:
        return None
    devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
    return devices.order_by("pk").first()


def two_factor_needed(user: AnyUser) -> bool:
    """Must this person enter a code before the admin opens? Those who must use
    two-step sign-in, and those who set it up of their own accord."""
    if not user.is_authenticated or not user.is_staff:
        return False
    return two_factor_required(user) or two_factor_device(user) is not None


def _device_being_set_up(user: AbstractUser) -> TOTPDevice | None:
    """The oldest unconfirmed device, locked (inside a transaction)."""
    device: TOTPDevice | None = (
        TOTPDevice.objects.devices_for_user(user, confirmed=False)
        .select_for_update()
        .order_by("pk")
        .first()
    )
    return device


def two_factor_device_for_setup(*, user: AbstractUser) -> TOTPDevice:
    """The unconfirmed device being set up: the same one (same key, same QR
    code) until it is confirmed, so reloading the page does not undo a scan."""
    with transaction.atomic():
        device = _device_being_set_up(user)
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=DEVICE_NAME, confirmed=False
            )
        return device


def _normalized(code: str) -> str | None:
    code = "".join(str(code or "").split())
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    return code


def two_factor_confirm(*, user: AbstractUser, code: str) -> TOTPDevice | None:
    """Confirm the device being set up with its first code. Returns the device,
    now confirmed (other unconfirmed ones are removed), or None if the code is
    wrong."""
    token = _normalized(code)
    if token is None:
        return None
    with transaction.atomic():
        device = _device_being_set_up(user)
        if device is None or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
        return device


def two_factor_verify(*, user: AbstractUser, code: str) -> TOTPDevice | None:
    """Check a code against the person's confirmed device: the device if it is
    right (and not used before), None otherwise. A malformed code counts as a
    wrong one for django-otp's throttling."""
    device = two_factor_device(user)
    if device is None:
        return None
    token = _normalized(code) or "-"
    with transaction.atomic():
        verified: TOTPDevice | None = django_otp.verify_token(
            user, device.persistent_id, token
        )
    return verified


def two_factor_waiting(*, device: TOTPDevice) -> bool:
    """Is the device refusing codes for a moment after wrong ones?"""
    allowed, _details = device.verify_is_allowed()
    return not allowed


def two_factor_key_text(device: TOTPDevice) -> str:
    """The secret key as an app asks for it when typed: base32, in groups of 4."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def two_factor_qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code: SVG drawn here (no request
    to another site, no script), on white so it scans in the admin's dark theme
    too, as a data: URI for an <img> (the site's CSP allows data: images)."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=4,
    )
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
