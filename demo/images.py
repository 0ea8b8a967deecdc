"""Generated pictures for the demo content (`seed_demo`): no binaries in git.

Each picture shows a thing (a product in its colors, people wearing blue), never
just a caption; the drawings themselves are in `demo.drawings`.
"""

from django.core.files.base import ContentFile

from core.images import JPEG_QUALITY
from demo.drawings.canvas import encode
from demo.drawings.products import draw_product
from demo.drawings.scenes import draw_wear_blue


def product_image_file(*, kind: str, colors: list[str], name: str) -> ContentFile:
    """A square product mockup (see `demo.drawings.products.DRAWERS` for the
    kinds), showing the product in each of `colors`; PNG when `name` ends in
    .png, otherwise JPEG."""
    picture = draw_product(kind, colors)
    return ContentFile(encode(picture, name, jpeg_quality=JPEG_QUALITY), name=name)


def wear_blue_image_file(
    *, name: str, size: tuple[int, int] = (1600, 900)
) -> ContentFile:
    """The campaign illustration: people in blue and a blue awareness ribbon."""
    picture = draw_wear_blue(size)
    return ContentFile(encode(picture, name, jpeg_quality=JPEG_QUALITY), name=name)
