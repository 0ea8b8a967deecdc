"""A small drawing surface for flat illustrations made with Pillow.

Pillow draws hard, aliased edges, so every picture is drawn at twice its final size
and downsampled at the end: the edges come out smooth. Drawing code works in final
pixels; `Sketch` multiplies by the scale.
"""

import io
import math
from collections.abc import Sequence

from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

Point = tuple[float, float]
Color = str | tuple[int, int, int]

SCALE = 2


def rgb(color: Color) -> tuple[int, int, int]:
    if isinstance(color, tuple):
        return color
    red, green, blue = ImageColor.getrgb(color)[:3]
    return (red, green, blue)


def shade(color: Color, amount: float) -> tuple[int, int, int]:
    """Darker (amount < 0, toward black) or lighter (amount > 0, toward white)."""
    red, green, blue = rgb(color)
    target = 255 if amount > 0 else 0
    weight = abs(amount)
    return (
        round(red + (target - red) * weight),
        round(green + (target - green) * weight),
        round(blue + (target - blue) * weight),
    )


def luminance(color: Color) -> float:
    red, green, blue = rgb(color)
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def quadratic(start: Point, control: Point, end: Point, steps: int = 12) -> list[Point]:
    """Points along a quadratic Bezier curve, start and end included."""
    points = []
    for step in range(steps + 1):
        t = step / steps
        u = 1 - t
        points.append(
            (
                u * u * start[0] + 2 * u * t * control[0] + t * t * end[0],
                u * u * start[1] + 2 * u * t * control[1] + t * t * end[1],
            )
        )
    return points


def cubic(
    start: Point, one: Point, two: Point, end: Point, steps: int = 24
) -> list[Point]:
    """Points along a cubic Bezier curve, start and end included."""
    points = []
    for step in range(steps + 1):
        t = step / steps
        u = 1 - t
        points.append(
            (
                u**3 * start[0]
                + 3 * u * u * t * one[0]
                + 3 * u * t * t * two[0]
                + t**3 * end[0],
                u**3 * start[1]
                + 3 * u * u * t * one[1]
                + 3 * u * t * t * two[1]
                + t**3 * end[1],
            )
        )
    return points


def rounded_corners(points: Sequence[Point], radius: float) -> list[Point]:
    """The outline of a polygon whose corners are rounded off by `radius`."""
    outline: list[Point] = []
    count = len(points)
    for index, corner in enumerate(points):
        before = points[index - 1]
        after = points[(index + 1) % count]
        start = _towards(corner, before, radius)
        end = _towards(corner, after, radius)
        outline.extend(quadratic(start, corner, end, steps=8))
    return outline


def _towards(origin: Point, target: Point, distance: float) -> Point:
    length = math.dist(origin, target)
    if length == 0:
        return origin
    share = min(distance, length / 2) / length
    return (
        origin[0] + (target[0] - origin[0]) * share,
        origin[1] + (target[1] - origin[1]) * share,
    )


class Sketch:
    """An RGB picture of `size` final pixels, drawn at `SCALE` times that size."""

    def __init__(self, size: tuple[int, int], background: Color) -> None:
        self.size = size
        self.image = Image.new(
            "RGB", (size[0] * SCALE, size[1] * SCALE), rgb(background)
        )
        self.draw = ImageDraw.Draw(self.image)

    # Coordinates ----------------------------------------------------------
    @staticmethod
    def _xy(points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * SCALE, y * SCALE) for x, y in points]

    @staticmethod
    def _box(box: Sequence[float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = box
        return (x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE)

    # Shapes ---------------------------------------------------------------
    def polygon(
        self, points: Sequence[Point], fill: Color, *, radius: float = 0
    ) -> None:
        outline = rounded_corners(points, radius) if radius else list(points)
        self.draw.polygon(self._xy(outline), fill=rgb(fill))

    def gradient(
        self, box: Sequence[float], top: Color, bottom: Color, *, ease: float = 1.0
    ) -> None:
        """A smooth vertical gradient (bands would show as blocks once the picture
        is compressed); `ease` > 1 keeps the top color longer."""
        x0, y0, x1, y1 = (round(value) for value in self._box(box))
        size = (x1 - x0, y1 - y0)
        mask = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
        if ease != 1.0:
            mask = mask.point([round(255 * (i / 255) ** ease) for i in range(256)])
        start = Image.new("RGB", size, rgb(top))
        end = Image.new("RGB", size, rgb(bottom))
        self.image.paste(Image.composite(end, start, mask), (x0, y0))

    def ellipse(self, box: Sequence[float], fill: Color) -> None:
        self.draw.ellipse(self._box(box), fill=rgb(fill))

    def circle(self, center: Point, radius: float, fill: Color) -> None:
        x, y = center
        self.ellipse((x - radius, y - radius, x + radius, y + radius), fill)

    def ring(
        self,
        box: Sequence[float],
        color: Color,
        width: float,
        *,
        start: float = 0,
        end: float = 360,
    ) -> None:
        """An elliptical outline (or an arc of one, angles in degrees, clockwise
        from three o'clock)."""
        self.draw.arc(
            self._box(box), start, end, fill=rgb(color), width=round(width * SCALE)
        )

    def rectangle(
        self, box: Sequence[float], fill: Color, *, radius: float = 0
    ) -> None:
        self.draw.rounded_rectangle(
            self._box(box), radius=round(radius * SCALE), fill=rgb(fill)
        )

    def chord(
        self, box: Sequence[float], start: float, end: float, fill: Color
    ) -> None:
        self.draw.chord(self._box(box), start, end, fill=rgb(fill))

    def line(self, points: Sequence[Point], color: Color, width: float) -> None:
        """A stroke with round caps and joins."""
        xy = self._xy(points)
        pixels = max(1, round(width * SCALE))
        self.draw.line(xy, fill=rgb(color), width=pixels, joint="curve")
        for x, y in (xy[0], xy[-1]):
            half = pixels / 2
            self.draw.ellipse((x - half, y - half, x + half, y + half), fill=rgb(color))

    def band(self, points: Sequence[Point], color: Color, width: float) -> None:
        """A wide stroke with square ends, filled as one polygon (Pillow's wide
        lines leave seams on curves)."""
        left: list[Point] = []
        right: list[Point] = []
        last = len(points) - 1
        for index, (x, y) in enumerate(points):
            before = points[max(0, index - 1)]
            after = points[min(last, index + 1)]
            dx, dy = after[0] - before[0], after[1] - before[1]
            length = math.hypot(dx, dy) or 1.0
            nx, ny = -dy / length * width / 2, dx / length * width / 2
            left.append((x + nx, y + ny))
            right.append((x - nx, y - ny))
        self.polygon(left + right[::-1], color)

    def text(
        self,
        center: Point,
        words: str,
        *,
        size: float,
        fill: Color,
        weight: float = 0.0,
        anchor: str = "mm",
    ) -> None:
        """Text in Pillow's bundled font; `weight` thickens it (a stroke in the
        same color, as a share of the size), as the font has no bold."""
        font = ImageFont.load_default(size=size * SCALE)
        self.draw.text(
            (center[0] * SCALE, center[1] * SCALE),
            words,
            font=font,
            fill=rgb(fill),
            anchor=anchor,
            stroke_width=round(size * SCALE * weight),
            stroke_fill=rgb(fill),
        )

    def shadow(
        self,
        box: Sequence[float],
        *,
        color: Color = "#1b1b1f",
        opacity: float = 0.18,
        blur: float = 18,
    ) -> None:
        """A soft elliptical shadow, as under an object resting on a surface."""
        x0, y0, x1, y1 = self._box(box)
        margin = round(blur * SCALE * 3)
        left, top = max(0, round(x0) - margin), max(0, round(y0) - margin)
        right = min(self.image.width, round(x1) + margin)
        bottom = min(self.image.height, round(y1) + margin)
        mask = Image.new("L", (right - left, bottom - top), 0)
        ImageDraw.Draw(mask).ellipse(
            (x0 - left, y0 - top, x1 - left, y1 - top), fill=round(255 * opacity)
        )
        mask = mask.filter(ImageFilter.GaussianBlur(blur * SCALE))
        self.image.paste(Image.new("RGB", mask.size, rgb(color)), (left, top), mask)

    # Output ---------------------------------------------------------------
    def finish(self) -> Image.Image:
        return self.image.resize(self.size, Image.Resampling.LANCZOS)


def encode(image: Image.Image, name: str, *, jpeg_quality: int = 85) -> bytes:
    """PNG when `name` ends in .png, otherwise JPEG."""
    buffer = io.BytesIO()
    if name.lower().endswith(".png"):
        image.save(buffer, "PNG", optimize=True)
    else:
        image.convert("RGB").save(
            buffer, "JPEG", quality=jpeg_quality, progressive=True, optimize=True
        )
    return buffer.getvalue()
