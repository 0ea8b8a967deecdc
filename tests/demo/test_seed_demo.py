import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from pages.models import Page


def _counts():
    return {"pages": Page.objects.count(), "users": get_user_model().objects.count()}


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    first = _counts()
    bodies = dict(Page.objects.values_list("slug", "updated_at"))
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
    assert dict(Page.objects.values_list("slug", "updated_at")) == bodies


@pytest.mark.django_db
def test_seed_demo_keeps_staff_edits(settings):
    call_command("seed_demo", verbosity=0)
    Page.objects.filter(slug="about").update(title="Edited by staff")
    call_command("seed_demo", verbosity=0)
    assert Page.objects.get(slug="about").title == "Edited by staff"


@pytest.mark.django_db
def test_demo_staff_account_only_with_debug(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo")
    assert not get_user_model().objects.exists()

    settings.DEBUG = True
    call_command("seed_demo")
    user = get_user_model().objects.get(username="admin")
    assert user.is_staff and user.check_password("redeeming-hope-demo")
    assert "redeeming-hope-demo" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_has_one_volunteer_per_role(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # the second run finds them all there
    accounts = {
        user.username: user
        for user in get_user_model().objects.prefetch_related("groups")
    }
    roles = {
        name: [g.name for g in user.groups.all()] for name, user in accounts.items()
    }
    assert roles == {
        "admin": ["Administrator"],
        "editor": ["Content editor"],
        "shop": ["Shop manager"],
        "finance": ["Finance"],
    }
    for name in ("editor", "shop", "finance"):
        user = accounts[name]
        assert user.is_staff and not user.is_superuser
        assert user.check_password("redeeming-hope-demo")
    out = capsys.readouterr().out
    assert "finance / redeeming-hope-demo" in out
    assert "editor / redeeming-hope-demo" in out
