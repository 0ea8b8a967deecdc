"""
`python manage.py brand_images`: write the logo, icons and default Open Graph
image to static/img/ from their drawings in `demo.drawings.brand`.

Run it after changing the mark and commit the files it writes: they are small
(SVG text, and two palette PNGs of a few kilobytes), so the site serves them as
ordinary static files and nothing is drawn at request time.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from demo.drawings.brand import static_files


class Command(BaseCommand):
    help = "Write the logo, favicons and default social image to static/img/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=Path(settings.BASE_DIR) / "static" / "img",
            help="Where to write the files (default: static/img/).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        directory.mkdir(parents=True, exist_ok=True)
        for name, content in static_files().items():
            (directory / name).write_bytes(content)
            self.stdout.write(f"{directory / name} ({len(content):,} bytes)")
