"""
Deployment checks (`manage.py check --deploy`) for shared state: media on S3 set up
half-way, and media served by the app itself.
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register("core", deploy=True)
def check_media_storage(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if getattr(settings, "MEDIA_ON_S3", False):
        options = settings.STORAGES["default"].get("OPTIONS", {})
        if not options.get("bucket_name"):
            messages.append(
                Error(
                    "MEDIA_STORAGE=s3 but AWS_STORAGE_BUCKET_NAME is not set.",
                    hint="Name the bucket that holds the uploaded images.",
                    id="core.E001",
                )
            )
        if bool(options.get("access_key")) != bool(options.get("secret_key")):
            messages.append(
                Error(
                    "Only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set.",
                    hint="Set both, or neither to let boto3 find credentials itself.",
                    id="core.E002",
                )
            )
    elif getattr(settings, "CACHE_IS_REDIS", False):
        messages.append(
            Warning(
                "The cache is shared (Redis) but uploads are kept on this "
                "server's disk (MEDIA_STORAGE=local).",
                hint=(
                    "Other app servers will not see them. With several servers, "
                    "set MEDIA_STORAGE=s3 and the AWS_* variables."
                ),
                id="core.W002",
            )
        )
    if getattr(settings, "SERVE_MEDIA", False) and not settings.DEBUG:
        messages.append(
            Warning(
                "SERVE_MEDIA is on: the app serves uploaded files from its own disk.",
                hint=(
                    "Only for trying the site on one machine. Use MEDIA_STORAGE=s3, "
                    "or let the web server serve MEDIA_ROOT."
                ),
                id="core.W001",
            )
        )
    return messages
