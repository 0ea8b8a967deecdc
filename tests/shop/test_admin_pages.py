"""The admin as volunteers use it: the dashboard first, an order page that reads
top to bottom with money as $19.50, thumbnails, and printable packing slips."""

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.models import Order
from shop.selectors import shop_dashboard, shop_proceeds
from shop.services.outcomes import order_mark_paid
from shop.services.placing import order_create_from_cart
from shop.services.shipping import order_transition
from tests.shop.factories import ProductImageFactory, VariantFactory, checkout_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_paid(outcome):
    def make(delivery_method="ship", **customer) -> Order:
        variant = VariantFactory(
            stock=20, product__name="Hope T-shirt", sku=f"TS-M-{Order.objects.count()}"
        )
        order = order_create_from_cart(
            cart={variant.pk: 2},
            customer=checkout_data(delivery_method=delivery_method, **customer),
        )
        order_mark_paid(order_number=order.number or "", outcome=outcome(order))
        order.refresh_from_db()
        return order

    return make


def test_dashboard_counts_the_work_waiting_and_the_months_proceeds(make_paid):
    to_ship = make_paid()
    packed = make_paid()
    order_transition(order=packed, status=Order.Status.PACKED)
    make_paid("pickup")
    Order.objects.filter(pk=to_ship.pk).update(needs_attention=True)
    VariantFactory(stock=2, low_stock_threshold=3)
    VariantFactory(stock=4, low_stock_threshold=3)
    VariantFactory(stock=0, low_stock_threshold=3, is_active=False)  # not on sale

    dashboard = shop_dashboard()
    assert dashboard.to_ship_count == 2
    assert [o.pk for o in dashboard.to_ship] == [to_ship.pk, packed.pk]
    assert dashboard.to_hand_over_count == 1
    assert dashboard.attention_count == 1
    assert dashboard.low_stock_count == 1
    month_start = timezone.localdate().replace(day=1)
    assert dashboard.month_proceeds == shop_proceeds(start=month_start) > 0


def test_admin_index_opens_on_the_dashboard(admin_client, make_paid):
    make_paid()
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Shop at a glance" in html
    assert "orders to pack and ship" in html
    assert "low on stock" in html
    proceeds = shop_proceeds(start=timezone.localdate().replace(day=1))
    assert f"${proceeds:,.2f}" in html
    # Its links lead to working filters.
    changelist = reverse("admin:shop_order_changelist")
    for params in ({"todo": "ship"}, {"todo": "pickup"}, {"attention": "any"}):
        assert admin_client.get(changelist, params).status_code == 200
    low = admin_client.get(reverse("admin:shop_variant_changelist"), {"stock": "low"})
    assert low.status_code == 200


def test_staff_without_order_rights_see_no_dashboard(client, django_user_model):
    user = django_user_model.objects.create_user("helper", password="pw", is_staff=True)
    client.force_login(user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Shop at a glance" not in html


def test_order_page_groups_and_shows_money_as_dollars(admin_client, make_paid):
    order = make_paid(name="Ada Buyer")
    html = admin_client.get(
        reverse("admin:shop_order_change", args=[order.pk])
    ).content.decode()
    headings = ["Buyer", "Delivery", "Lines", "Money", "History", "Payment details"]
    positions = [html.index(f">{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    assert "$50.00" in html and f"${order.total}" in html  # goods, total
    assert "TS-M-" in html
    # Payment internals are folded away.
    details = html[html.index(">Payment details</h2>") - 400 :]
    assert "collapse" in details or "<details" in details
    assert order.checkout_session_id in details


def test_order_list_is_narrow_enough_for_a_laptop(admin_client, make_paid):
    make_paid()
    from shop.admin.orders import OrderAdmin

    assert len(OrderAdmin.list_display) <= 9
    response = admin_client.get(reverse("admin:shop_order_changelist"))
    assert response.status_code == 200


def test_products_show_thumbnails(admin_client):
    image = ProductImageFactory()
    VariantFactory(product=image.product)
    html = admin_client.get(reverse("admin:shop_product_changelist")).content.decode()
    assert 'class="shop-thumb"' in html
    change = admin_client.get(
        reverse("admin:shop_product_change", args=[image.product.pk])
    ).content.decode()
    assert 'class="focal-slot"' in change  # each picture's square crop


def test_packing_slip_for_one_order(admin_client, make_paid):
    order = make_paid()
    change = admin_client.get(
        reverse("admin:shop_order_change", args=[order.pk])
    ).content.decode()
    url = reverse("admin:shop_order_packing_slips") + f"?ids={order.pk}"
    assert url in change
    html = admin_client.get(url).content.decode()
    assert order.number in html
    assert "TS-M-" in html and "Hope T-shirt (M / Blue)" in html
    assert "1 Main Street" in html and "Louisville, KY 40202" in html
    assert "packing_slips" in html  # the print stylesheet
    assert 'id="header"' not in html and "Django administration" not in html
    assert "$" not in html  # no prices on the slip


def test_packing_slips_for_a_selection(admin_client, make_paid):
    ship, pickup = make_paid(), make_paid("pickup", phone="502-555-0100")
    response = admin_client.post(
        reverse("admin:shop_order_changelist"),
        {"action": "print_packing_slips", "_selected_action": [ship.pk, pickup.pk]},
    )
    assert response.status_code == 302
    html = admin_client.get(response["Location"]).content.decode()
    assert html.count('class="slip"') == 2
    assert ship.number in html and pickup.number in html
    assert "Local pickup" in html and "502-555-0100" in html


def test_packing_slips_are_for_staff_only(client, make_paid):
    order = make_paid()
    url = reverse("admin:shop_order_packing_slips") + f"?ids={order.pk}"
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_packing_slips_ignore_junk_ids(admin_client):
    url = reverse("admin:shop_order_packing_slips") + "?ids=1,x,;drop,-3"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "No orders were chosen." in response.content.decode()
