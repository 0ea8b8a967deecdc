"""
The staff app's records. `PrivacyRequest`: each copy or erasure of a person's
data that staff made, kept as proof that a request was handled, without the
person's data itself (the email only as a keyed hash).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PrivacyRequest(models.Model):
    class Kind(models.TextChoices):
        EXPORT = "export", _("Copy downloaded")
        ERASE = "erase", _("Data erased")

    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.DONE
    )
    # HMAC-SHA256 of the lowercased email, keyed with the site's secret: the same
    # person's requests match each other, and the address cannot be read back.
    email_hash = models.CharField(_("person (coded)"), max_length=64, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    orders = models.PositiveIntegerField(_("shop orders"), default=0)
    donations = models.PositiveIntegerField(_("gifts"), default=0)
    monthly_gifts = models.PositiveIntegerField(_("monthly gifts"), default=0)
    reason = models.CharField(
        _("why refused"),
        max_length=300,
        blank=True,
        help_text=_("What stopped the request (never the person's details)."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("privacy request")
        default_permissions = ("view",)
        permissions = [
            (
                "handle_privacy_request",
                _("Can download and erase a person's data on request"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["export", "erase"]),
                name="staff_privacyrequest_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"
