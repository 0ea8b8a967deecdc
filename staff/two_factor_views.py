"""
The second step of signing in to the admin: after the password, a code from an
authenticator app (verify), or, for someone who must use two-step sign-in and
has no app yet, setting one up (setup).

Why a second step rather than a code field on the password form: a volunteer
sees one question at a time, those without an app are never asked for a code,
and someone who must set one up is taken straight to it. Until the code is
right, staff/middleware.py lets such a person open nothing in the admin but
these two pages and "Sign out".

A wrong code is reported as a failed sign-in (Django's user_login_failed
signal), so django-axes counts it with wrong passwords toward the lockout.
"""

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from staff.signin import lockout_response
from staff.two_factor import (
    is_verified,
    two_factor_confirm,
    two_factor_device,
    two_factor_device_for_setup,
    two_factor_key_text,
    two_factor_qr_data_uri,
    two_factor_required,
    two_factor_verify,
    two_factor_waiting,
)
from staff.two_factor_forms import CodeForm


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return reverse("admin:index")


def _admin_context(request: HttpRequest, *, title: str) -> dict[str, object]:
    """What the admin's base templates need, without the admin's app list (this
    person may not see it yet)."""
    return {
        "title": title,
        "site_title": admin.site.site_title,
        "site_header": admin.site.site_header,
        "site_url": admin.site.site_url,
        "has_permission": False,
        "is_nav_sidebar_enabled": False,
        "next": _next_url(request),
    }


def _to_login(request: HttpRequest) -> HttpResponseRedirect:
    return redirect(reverse("admin:login"))


def _to_step(request: HttpRequest, name: str) -> HttpResponseRedirect:
    """To the other two-step page, keeping where to go afterwards."""
    query = request.GET.urlencode()
    return redirect(reverse(name) + (f"?{query}" if query else ""))


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the code from the person's authenticator app."""
    user = request.user
    if not user.is_authenticated or not user.is_staff:
        return _to_login(request)
    if is_verified(request.user):
        return redirect(_next_url(request))
    device = two_factor_device(user)
    if device is None:
        if two_factor_required(user):
            return _to_step(request, "signin:two-factor-setup")
        return redirect(_next_url(request))

    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        logout(request)
        return lockout_response(request)

    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        verified = two_factor_verify(user=user, code=form.cleaned_data["code"])
        if verified is not None:
            # More rights than a moment ago: a new session key, as at sign-in.
            request.session.cycle_key()
            django_otp.login(request, verified)
            return redirect(_next_url(request))
    if form.is_bound:
        # A wrong or malformed code is a failed sign-in, as a wrong password is.
        user_login_failed.send(
            sender=__name__, credentials=credentials, request=request
        )
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return lockout_response(request)
        if form.is_valid():
            if two_factor_waiting(device=device):
                form.add_error(
                    "code",
                    _(
                        "That code did not work, and there were several wrong "
                        "codes: wait a minute, then enter the newest code."
                    ),
                )
            else:
                form.add_error(
                    "code",
                    _(
                        "That code did not work. Enter the newest code your "
                        "app shows for Redeeming Hope; each code works once."
                    ),
                )
    context = _admin_context(request, title=_("Enter your sign-in code"))
    context["form"] = form
    return render(request, "admin/staff/two_factor_verify.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then
    enter the first code it shows."""
    user = request.user
    if not user.is_authenticated or not user.is_staff:
        return _to_login(request)
    if two_factor_device(user) is not None:
        if not is_verified(request.user):
            # An app is set up already: it must be used, not replaced, here.
            return _to_step(request, "signin:two-factor-verify")
        context = _admin_context(request, title=_("Two-step sign-in is on"))
        context["already_on"] = True
        return render(request, "admin/staff/two_factor_setup.html", context)

    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        confirmed = two_factor_confirm(user=user, code=form.cleaned_data["code"])
        if confirmed is not None:
            request.session.cycle_key()
            django_otp.login(request, confirmed)
            messages.success(
                request,
                _(
                    "Two-step sign-in is on. From now on, after your password, "
                    "enter the code your app shows."
                ),
            )
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _(
                "That code did not work. Check that the app added Redeeming Hope, "
                "then enter the newest code it shows."
            ),
        )
    device = two_factor_device_for_setup(user=user)
    context = _admin_context(request, title=_("Set up two-step sign-in"))
    context.update(
        {
            "form": form,
            "required": two_factor_required(user),
            "qr_code": two_factor_qr_data_uri(device),
            "key_text": two_factor_key_text(device),
        }
    )
    return render(request, "admin/staff/two_factor_setup.html", context)
