from django.urls import path, register_converter

from shop import views
from shop.converters import OrderTokenConverter

app_name = "shop"

register_converter(OrderTokenConverter, "order_token")

urlpatterns = [
    path("", views.product_list, name="product-list"),
    path("products/<slug:slug>/", views.product_detail, name="product-detail"),
    path("cart/", views.cart_detail, name="cart"),
    path("cart/update/", views.cart_update, name="cart-update"),
    path("cart/remove/", views.cart_remove, name="cart-remove"),
    path("cart/promo/", views.cart_promo, name="cart-promo"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/success/", views.checkout_success, name="checkout-success"),
    path(
        "checkout/cancel/<order_token:token>/",
        views.checkout_cancel,
        name="checkout-cancel",
    ),
    path("orders/<order_token:token>/", views.order_detail, name="order-detail"),
]
