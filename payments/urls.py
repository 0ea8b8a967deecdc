from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("webhook/stripe/", views.stripe_webhook, name="stripe-webhook"),
    path(
        "test-checkout/<str:session_id>/",
        views.local_checkout,
        name="local-checkout",
    ),
    path(
        "test-billing-portal/",
        views.local_billing_portal,
        name="local-billing-portal",
    ),
]
