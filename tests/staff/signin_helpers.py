"""What the sign-in tests share: staff accounts, signing in through the admin's
own form, and codes computed from a device's key as an authenticator app would."""

import factory
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.model_factory import ModelFactory

PASSWORD = "a long volunteer password 7"


class StaffFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"volunteer{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self: User, create, extracted, **kwargs):
        self.save()
        for name in extracted or []:
            group, _ = Group.objects.get_or_create(name=name)
            self.groups.add(group)


class SuperuserFactory(StaffFactory):
    is_superuser = True


def sign_in(client, username, password=PASSWORD, *, ip="192.0.2.10", follow=False):
    """Post the admin's sign-in form, as a browser at `ip` would."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
        follow=follow,
    )


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the app shows now (or `steps_ahead` 30-second steps later,
    which the site accepts within its tolerance of one step)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead)
    return f"{value:0{device.digits}d}"


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def wrong_code_for(device: TOTPDevice) -> str:
    """A well-formed code that is none of those the site accepts right now."""
    accepted = {code_for(device, steps_ahead=step) for step in (-1, 0, 1, 2)}
    return next(
        code
        for code in ("000000", "111111", "222222", "333333", "444444", "555555")
        if code not in accepted
    )
