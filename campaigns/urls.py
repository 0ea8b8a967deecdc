from django.urls import path

from campaigns import feeds, views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("feed/", feeds.CampaignFeed(), name="campaign-feed"),
    path("<slug:slug>/", views.campaign_detail, name="campaign-detail"),
    path("<slug:slug>/preview/", views.campaign_preview, name="campaign-preview"),
    path(
        "<slug:slug>/days/<int:pk>/calendar.ics",
        views.action_day_calendar,
        name="action-day-calendar",
    ),
]
