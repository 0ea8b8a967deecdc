"""
Staff roles: the four groups volunteers are put in, each with only the
permissions its work needs, written here as data ("app_label.codename").

The code is the source of truth: `roles_sync()` makes each group hold exactly
the permissions listed here (it adds the missing ones and takes away the
others), so a change made to these four groups in the admin lasts until the next
sync. The data migration `staff/migrations/0001_roles.py` calls it once;
`manage.py staff_sync_roles` calls it again when new models bring permissions
(the Administrator holds every permission there is at the time of the sync).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import transaction

CONTENT_EDITOR = "Content editor"
SHOP_MANAGER = "Shop manager"
FINANCE = "Finance"
ADMINISTRATOR = "Administrator"

# In a role's list: every permission of every installed app.
EVERY_PERMISSION = "*"

EDIT = ("add", "change", "delete", "view")


def model_permissions(model: str, actions: Iterable[str] = EDIT) -> tuple[str, ...]:
    """("shop.variant", ["view"]) -> ("shop.view_variant",)."""
    app_label, model_name = model.split(".")
    return tuple(f"{app_label}.{action}_{model_name}" for action in actions)


ROLES: dict[str, tuple[str, ...]] = {
    # Standing pages, awareness campaigns with their action days, statistics.
    # Viewing campaigns is also what opens the preview of a draft.
    CONTENT_EDITOR: (
        *model_permissions("pages.page"),
        *model_permissions("campaigns.campaign"),
        *model_permissions("campaigns.actionday"),
        *model_permissions("campaigns.statistic"),
    ),
    # The catalog, stock, orders and their fulfillment, promo codes. Orders
    # are viewed and moved along, never refunded, exported or priced here.
    SHOP_MANAGER: (
        *model_permissions("shop.category"),
        *model_permissions("shop.product"),
        *model_permissions("shop.productimage"),
        *model_permissions("shop.variant"),
        "shop.adjust_stock",
        *model_permissions("shop.stockadjustment", ["view"]),
        *model_permissions("shop.order", ["view", "change"]),
        *model_permissions("shop.promocode"),
        *model_permissions("shop.shopsettings", ["view", "change"]),
    ),
    # Gifts and donors, refunds, the sales report and CSV exports, the Home
    # fund; the payment records (read-only) to match a refund with Stripe.
    FINANCE: (
        *model_permissions("shop.order", ["view"]),
        "shop.refund_order",
        "shop.accept_payment_order",
        "shop.view_proceeds",
        "shop.export_order",
        *model_permissions("shop.shopsettings", ["view"]),
        *model_permissions("donations.donation", ["view", "change"]),
        "donations.record_offline_donation",
        "donations.export_donation",
        *model_permissions("donations.donor", ["view", "change"]),
        *model_permissions("donations.recurringgift", ["view", "change"]),
        *model_permissions("donations.homefund", ["view", "change"]),
        *model_permissions("donations.milestone"),
        *model_permissions("donations.donationpreset"),
        *model_permissions("payments.checkoutsession", ["view"]),
        *model_permissions("payments.invoicepayment", ["view"]),
        # A person's request for a copy or erasure of their data.
        "staff.handle_privacy_request",
        *model_permissions("staff.privacyrequest", ["view"]),
    ),
    # Everything, users and groups included.
    ADMINISTRATOR: (EVERY_PERMISSION,),
}


@dataclass
class RolesSync:
    """What a sync did, group by group ("app_label.codename" names)."""

    created: list[str] = field(default_factory=list)
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    # Named in ROLES but not in the database (a typo, or a model whose
    # migration has not run yet).
    missing: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.added or self.removed)


def permissions_create(*, apps: Apps = global_apps) -> None:
    """Create the permissions of every app now. Django creates them after
    `migrate` has finished, too late for a data migration that grants them;
    a historical app registry's apps have no models module, which Django's
    function takes as "nothing to do", hence the stand-in."""
    for app_config in apps.get_app_configs():
        historical = getattr(app_config, "models_module", None) is None
        if historical:
            app_config.models_module = True  # type: ignore[assignment]
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            if historical:
                app_config.models_module = None


def roles_sync(*, apps: Apps = global_apps) -> RolesSync:
    """Create the four groups if missing and give each exactly the permissions
    ROLES lists. Running it again changes nothing."""
    permission_model: Any = apps.get_model("auth", "Permission")
    group_model: Any = apps.get_model("auth", "Group")
    report = RolesSync()
    with transaction.atomic():
        permissions_create(apps=apps)
        by_name = {
            f"{app_label}.{codename}": pk
            for pk, app_label, codename in permission_model.objects.values_list(
                "pk", "content_type__app_label", "codename"
            )
        }
        names_by_pk = {pk: name for name, pk in by_name.items()}
        for group_name, names in ROLES.items():
            if EVERY_PERMISSION in names:
                wanted = set(by_name.values())
            else:
                wanted = {by_name[name] for name in names if name in by_name}
                missing = sorted(name for name in names if name not in by_name)
                if missing:
                    report.missing[group_name] = missing
            group, created = group_model.objects.get_or_create(name=group_name)
            if created:
                report.created.append(group_name)
            current = set(group.permissions.values_list("pk", flat=True))
            if to_add := wanted - current:
                group.permissions.add(*to_add)
                report.added[group_name] = sorted(names_by_pk[pk] for pk in to_add)
            if to_remove := current - wanted:
                group.permissions.remove(*to_remove)
                report.removed[group_name] = sorted(
                    names_by_pk.get(pk, str(pk)) for pk in to_remove
                )
    return report
