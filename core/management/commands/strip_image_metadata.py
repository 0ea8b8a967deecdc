"""
`manage.py strip_image_metadata`: originals uploaded before images were stored
without metadata are stored again, stripped and under a random name; the old
file is deleted. Run once after upgrading; running it again changes nothing
(a generated name says the file was done). `--dry-run` only counts.
"""

import logging
import re
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models

from core.uploads import EXTENSIONS, StrippedImageField, UploadTo

logger = logging.getLogger(__name__)

_GENERATED = r"\d{4}/[0-9a-f]{32}\.(?:" + "|".join(EXTENSIONS.values()) + r")"


def is_generated(name: str, field: StrippedImageField) -> bool:
    """True for a name UploadTo made (so the file went through the stripping)."""
    upload_to = field.upload_to
    if not isinstance(upload_to, UploadTo):
        return False
    pattern = re.escape(upload_to.folder) + "/" + _GENERATED
    return re.fullmatch(pattern, name) is not None


class Command(BaseCommand):
    help = "Store uploaded images again without metadata, under random names."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would change."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        done = failed = 0
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, StrippedImageField):
                    d, f = self._model_field(model, field, dry_run=dry_run)
                    done, failed = done + d, failed + f
        verb = "Would store" if dry_run else "Stored"
        self.stdout.write(f"{verb} {done} image(s) again without metadata.")
        if failed:
            self.stderr.write(f"{failed} image(s) could not be read; see the log.")

    def _model_field(
        self, model: type[models.Model], field: StrippedImageField, *, dry_run: bool
    ) -> tuple[int, int]:
        done = failed = 0
        rows = model._default_manager.exclude(**{field.attname: ""}).exclude(
            **{f"{field.attname}__isnull": True}
        )
        for instance in rows.iterator():
            file = getattr(instance, field.attname)
            old_name = file.name
            if is_generated(old_name, field):
                continue
            if dry_run:
                done += 1
                continue
            try:
                with file.storage.open(old_name, "rb") as original:
                    file.save(old_name, original, save=False)
            except (OSError, ValueError, SyntaxError) as error:
                logger.warning(
                    "Could not store %s of %s %s again: %s",
                    field.name,
                    model._meta.label,
                    instance.pk,
                    error,
                )
                failed += 1
                continue
            # Only the file's columns: no model save() logic runs again.
            changes: dict[str, Any] = {field.attname: file.name}
            for attribute in ("width_field", "height_field"):
                dimension = getattr(field, attribute, None)
                if dimension:
                    changes[dimension] = getattr(instance, dimension)
            model._default_manager.filter(pk=instance.pk).update(**changes)
            file.storage.delete(old_name)
            done += 1
        return done, failed
