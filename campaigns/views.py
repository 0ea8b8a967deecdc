"""
Public campaign pages, the staff preview and the calendar files.

Every page runs a fixed number of queries, however many campaigns, statistics or
action days there are: the list is one count and one page of rows (with annotated
counts), a campaign page is the campaign plus two prefetches.
"""

from itertools import groupby
from operator import attrgetter

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaigns import ics, sharing
from campaigns.models import ActionDay, Campaign, CampaignQuerySet, Statistic
from core.pagecache import PAGE_NUMBER, public_page

CAMPAIGNS_PER_PAGE = 12
# Drafts and scheduled campaigns are for staff whose role includes campaigns
# (staff/roles.py), not for every staff account.
VIEW_CAMPAIGNS = "campaigns.view_campaign"


@public_page(query={"page": PAGE_NUMBER})
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    campaigns = (
        Campaign.objects.published(now=now)
        .with_phase(now=now)
        .annotate(
            statistic_count=Count("statistics", distinct=True),
            action_day_count=Count("action_days", distinct=True),
        )
        .order_by("phase", "-start_date", "-pk")
    )
    page_obj = Paginator(campaigns, CAMPAIGNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    sections = [
        (Campaign.Phase(phase), list(items))
        for phase, items in groupby(page_obj.object_list, key=attrgetter("phase"))
    ]
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "page_obj": page_obj,
            "sections": sections,
            "canonical_url": _canonical_list_url(request, page_obj),
        },
    )


def _with_children(queryset: CampaignQuerySet) -> CampaignQuerySet:
    return queryset.prefetch_related(
        Prefetch(
            "statistics", queryset=Statistic.objects.order_by("display_order", "pk")
        ),
        Prefetch(
            "action_days", queryset=ActionDay.objects.order_by("date", "time", "pk")
        ),
    )


@public_page
@require_GET
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(
        _with_children(Campaign.objects.published()), slug=slug
    )
    return _render_campaign(request, campaign, preview=False)


@require_GET
@never_cache
@staff_member_required
def campaign_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff who may view campaigns see any campaign, draft or scheduled,
    exactly as it will look. Other staff get 403, before the campaign is looked
    up, so the answer is the same whether the slug exists or not."""
    if not request.user.has_perm(VIEW_CAMPAIGNS):
        raise PermissionDenied
    campaign = get_object_or_404(_with_children(Campaign.objects.all()), slug=slug)
    response = _render_campaign(request, campaign, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _render_campaign(
    request: HttpRequest, campaign: Campaign, *, preview: bool
) -> HttpResponse:
    page_url = request.build_absolute_uri(campaign.get_absolute_url())
    home_url = request.build_absolute_uri(reverse("home"))
    image = sharing.social_image(
        campaign, build_absolute_uri=request.build_absolute_uri
    )
    action_days = list(campaign.action_days.all())
    today = timezone.localdate()
    action_day_events = [
        sharing.action_day_event(
            day,
            page_url=page_url,
            home_url=home_url,
            image_url=image.url if image else None,
        )
        for day in action_days
    ]
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "statistics": campaign.statistics.all(),
            "action_days": action_days,
            # The next day to act on leads the page, with a link down to its card.
            "lead_action_day": next(
                (day for day in action_days if day.date >= today), None
            ),
            "action_day_links": [
                {
                    "day": day,
                    "google_calendar_url": sharing.google_calendar_url(
                        day, page_url=page_url
                    ),
                }
                for day in action_days
            ],
            "action_day_events": action_day_events,
            "canonical_url": page_url,
            "social_image": image,
            "share_links": sharing.share_links(
                url=page_url,
                title=campaign.title,
                summary=campaign.summary,
                hashtag=campaign.hashtag_text,
            ),
            "preview": preview,
        },
    )


@require_GET
def action_day_calendar(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The "Add to calendar" file. Staff who may view campaigns may download it
    for a draft (preview); for everyone else a draft's day is 404, as for the
    public."""
    days = ActionDay.objects.select_related("campaign")
    if not (request.user.is_staff and request.user.has_perm(VIEW_CAMPAIGNS)):
        days = days.public()
    day = get_object_or_404(days, pk=pk, campaign__slug=slug)
    host, _port = split_domain_port(request.get_host())
    body = ics.action_day_calendar(
        day,
        page_url=request.build_absolute_uri(day.campaign.get_absolute_url()),
        host=host or "redeeminghope.org",
    )
    filename = f"{slugify(day.title) or 'action-day'}-{day.date:%Y-%m-%d}.ics"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _canonical_list_url(request: HttpRequest, page_obj: Page[Campaign]) -> str:
    url = reverse("campaigns:campaign-list")
    if page_obj.number > 1:
        url += f"?page={page_obj.number}"
    return request.build_absolute_uri(url)
