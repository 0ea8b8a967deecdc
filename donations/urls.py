from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("", views.donate, name="donate"),
    path("thank-you/", views.thank_you, name="thank-you"),
    path("statement/<str:token>/", views.statement_detail, name="statement"),
    path("monthly/<str:token>/", views.manage, name="manage"),
]
