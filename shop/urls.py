from django.urls import path, register_converter

from shop.converters import OrderTokenConverter
from shop.views import cart, catalog, checkout, orders

app_name = "shop"

register_converter(OrderTokenConverter, "order_token")

urlpatterns = [
    path("", catalog.product_list, name="product-list"),
    path("products/<slug:slug>/", catalog.product_detail, name="product-detail"),
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/update/", cart.cart_update, name="cart-update"),
    path("cart/remove/", cart.cart_remove, name="cart-remove"),
    path("cart/promo/", cart.cart_promo, name="cart-promo"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/success/", checkout.checkout_success, name="checkout-success"),
    path(
        "checkout/cancel/<order_token:token>/",
        checkout.checkout_cancel,
        name="checkout-cancel",
    ),
    path("orders/<order_token:token>/", orders.order_detail, name="order-detail"),
]
