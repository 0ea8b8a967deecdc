"""Generated pictures for the demo content (`seed_demo`): no binaries in git."""

import io
import textwrap

from django.core.files.base import ContentFile
from PIL import Image, ImageColor, ImageDraw, ImageFont

from core.images import JPEG_QUALITY


def image_demo_file(
    *, text: str, size: tuple[int, int], colours: tuple[str, str], name: str
) -> ContentFile:
    """A generated image for demo content: a diagonal gradient with large text.

    PNG when `name` ends in .png, otherwise JPEG.
    """
    width, height = size
    start = Image.new("RGB", size, ImageColor.getrgb(colours[0]))
    end = Image.new("RGB", size, ImageColor.getrgb(colours[1]))
    # Top-left to bottom-right: the mean of a vertical and a horizontal gradient.
    vertical = Image.linear_gradient("L")
    mask = Image.blend(vertical, vertical.transpose(Image.Transpose.ROTATE_90), 0.5)
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    image = Image.composite(end, start, mask)

    draw = ImageDraw.Draw(image)
    font_size = max(12, min(width, height) // 7)
    font = ImageFont.load_default(size=font_size)
    average = max(1.0, draw.textlength("abcdefghij", font=font) / 10)
    lines = textwrap.wrap(text, width=max(4, int(width * 0.85 / average))) or [""]
    draw.multiline_text(
        (width / 2, height / 2),
        "\n".join(lines),
        font=font,
        fill="white",
        anchor="mm",
        align="center",
        stroke_width=max(1, font_size // 18),
        stroke_fill=(0, 0, 0),
    )

    buffer = io.BytesIO()
    if name.lower().endswith(".png"):
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True)
    return ContentFile(buffer.getvalue(), name=name)
