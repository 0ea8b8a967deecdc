"""The four staff roles: the groups the migration made, keeping them in step
with staff/roles.py, and what each role finds on the admin's first page.

What each role may open and change: test_roles_shop.py (catalog, orders,
dashboard), test_roles_money.py (gifts, the Home fund, payment records),
test_roles_content.py (pages, campaigns, previews)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from staff import roles
from tests.staff.role_users import NO_ROLE, admin_models, sign_in

pytestmark = pytest.mark.django_db

ROLE_NAMES = ["Content editor", "Shop manager", "Finance", "Administrator"]


def permissions_of(group_name: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(
            name=group_name
        ).permissions.values_list("content_type__app_label", "codename")
    }


def test_the_migration_made_the_four_groups_with_their_permissions():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLE_NAMES)
    assert list(roles.ROLES) == ROLE_NAMES
    for name in ("Content editor", "Shop manager", "Finance"):
        assert permissions_of(name) == set(roles.ROLES[name]), name
    assert permissions_of("Administrator") == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }


def test_each_role_holds_its_work_and_not_the_others():
    editor = permissions_of("Content editor")
    shop = permissions_of("Shop manager")
    finance = permissions_of("Finance")
    administrator = permissions_of("Administrator")

    assert {"pages.change_page", "campaigns.view_campaign"} <= editor
    assert not any(
        name.startswith(("shop.", "donations.", "payments.")) for name in editor
    )

    assert {"shop.change_order", "shop.adjust_stock", "shop.add_promocode"} <= shop
    assert not shop & {
        "shop.refund_order",
        "shop.view_proceeds",
        "shop.export_order",
        "shop.accept_payment_order",
    }
    assert not any(
        name.startswith(("donations.", "payments.", "auth.")) for name in shop
    )

    assert {
        "shop.refund_order",
        "shop.view_proceeds",
        "shop.export_order",
        "donations.record_offline_donation",
        "donations.export_donation",
        "donations.change_homefund",
        "payments.view_checkoutsession",
    } <= finance
    assert not finance & {
        "shop.change_order",
        "shop.adjust_stock",
        "donations.delete_donation",
        "payments.view_processedevent",
        "payments.change_checkoutsession",
    }
    assert not any(
        name.startswith(("auth.", "pages.", "campaigns.")) for name in finance
    )

    assert {"auth.change_user", "auth.add_group", "payments.view_processedevent"} <= (
        administrator
    )


def test_sync_twice_changes_nothing_the_second_time(capsys):
    before = {name: permissions_of(name) for name in ROLE_NAMES}
    call_command("staff_sync_roles")
    call_command("staff_sync_roles")
    out = capsys.readouterr().out
    assert out.count("The staff roles are up to date.") == 2
    assert {name: permissions_of(name) for name in ROLE_NAMES} == before
    assert not roles.roles_sync().changed


def test_sync_puts_back_a_group_changed_in_the_admin(capsys):
    shop = Group.objects.get(name="Shop manager")
    shop.permissions.add(Permission.objects.get(codename="refund_order"))
    shop.permissions.remove(Permission.objects.get(codename="adjust_stock"))
    Group.objects.get(name="Finance").delete()

    call_command("staff_sync_roles")

    out = capsys.readouterr().out
    assert "Created the group 'Finance'." in out
    assert "Shop manager: added shop.adjust_stock" in out
    assert "Shop manager: removed shop.refund_order" in out
    assert permissions_of("Shop manager") == set(roles.ROLES["Shop manager"])
    assert permissions_of("Finance") == set(roles.ROLES["Finance"])


def test_sync_gives_the_administrator_new_permissions(capsys):
    from django.contrib.contenttypes.models import ContentType

    Permission.objects.create(
        codename="do_something_new",
        name="Can do something new",
        content_type=ContentType.objects.get_for_model(Group),
    )
    call_command("staff_sync_roles")
    assert "Administrator: added auth.do_something_new" in capsys.readouterr().out
    assert "auth.do_something_new" in permissions_of("Administrator")
    assert "auth.do_something_new" not in permissions_of("Finance")


def test_sync_names_a_permission_that_does_not_exist(monkeypatch, capsys):
    monkeypatch.setitem(
        roles.ROLES, "Finance", (*roles.ROLES["Finance"], "shop.fly_to_the_moon")
    )
    report = roles.roles_sync()
    assert report.missing == {"Finance": ["shop.fly_to_the_moon"]}
    assert not report.changed  # the others are all there
    call_command("staff_sync_roles")
    assert "shop.fly_to_the_moon" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("role", "listed"),
    [
        (
            "Content editor",
            {"pages.Page", "campaigns.Campaign", "campaigns.Statistic"},
        ),
        (
            "Shop manager",
            {
                "shop.Category",
                "shop.Product",
                "shop.Variant",
                "shop.Order",
                "shop.PromoCode",
                "shop.ShopSettings",
            },
        ),
        (
            "Finance",
            {
                "shop.Order",
                "shop.ShopSettings",
                "donations.Donation",
                "donations.Donor",
                "donations.RecurringGift",
                "donations.HomeFund",
                "donations.DonationPreset",
                "payments.CheckoutSession",
                "payments.InvoicePayment",
                "staff.PrivacyRequest",
            },
        ),
        (NO_ROLE, set()),
    ],
)
def test_the_admin_index_lists_only_the_roles_models(client, role, listed):
    sign_in(client, role)
    assert admin_models(client) == listed


def test_the_administrator_sees_every_model_users_included(client):
    sign_in(client, "Administrator")
    everything = {
        f"{model._meta.app_label}.{model._meta.object_name}"
        for model in admin.site._registry
    }
    listed = admin_models(client)
    assert listed == everything
    assert {"auth.User", "auth.Group", "payments.ProcessedEvent"} <= listed
