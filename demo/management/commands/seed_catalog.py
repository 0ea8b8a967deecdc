"""
`python manage.py seed_catalog --products 200 --campaigns 20 --months 12`: a
catalog the size of a real one, for the benchmark (`make bench`) and for trying
the admin with many rows.

It loads the demo content first (`seed_demo`'s, without its staff account), then
tops it up: products made from the demo's (with variants and pictures), published
campaigns with statistics and action days, and `--months` months of paid orders
and gifts. Rows go in with `bulk_create`: seconds, not minutes. Safe to run again:
each part adds only what is missing for the sizes asked, so a second run with
larger sizes grows the catalog.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from demo import campaigns as campaigns_demo
from demo import campaigns_scale, donations_scale, shop_scale
from demo import donations as donations_demo
from demo import pages as pages_demo
from demo import shop as shop_demo


class Command(BaseCommand):
    help = (
        "Load a large catalog (products, campaigns, months of orders and gifts) "
        "on top of the demo content; safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=200)
        parser.add_argument("--campaigns", type=int, default=20)
        parser.add_argument("--months", type=int, default=12)

    def handle(self, *args: Any, **options: Any) -> None:
        products, campaigns, months = (
            options["products"],
            options["campaigns"],
            options["months"],
        )
        if min(products, campaigns, months) < 0:
            raise CommandError("--products, --campaigns and --months count up from 0.")
        with transaction.atomic():
            pages_demo.seed()
            campaigns_demo.seed()
            shop_demo.seed()
            donations_demo.seed()
            made_products, made_orders = shop_scale.seed_catalog(
                products=products, months=months
            )
            made_campaigns = campaigns_scale.seed_campaigns(total=campaigns)
            made_gifts = donations_scale.seed_gifts(months=months)
        self.stdout.write(
            f"Catalog: {made_products} product(s), {made_campaigns} campaign(s), "
            f"{made_orders} order(s) and {made_gifts} gift(s) added."
        )
