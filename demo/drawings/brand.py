"""The Redeeming Hope mark (a house with a heart in it) and the pictures made of it.

The mark's geometry lives here once: the SVG files under static/img/ and the header's
inline SVG are written from it (`python manage.py brand_images`), and the Pillow
drawings (product prints, the touch icon, the default Open Graph image) draw it.
"""

import io
import math

from PIL import Image

from .canvas import Point, Sketch, rounded_corners

# The site's colors (the stylesheet's custom properties carry the same values).
BLUE_900 = "#06245a"
BLUE_700 = "#0b3d91"
BLUE_500 = "#1d5bd6"
BLUE_100 = "#e7eefc"
WHITE = "#ffffff"
DAWN = "#f6c453"
FONT_STACK = (
    "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
)

# The mark in a 48 x 48 box: a house whose corners are rounded off by 3 units,
# and a heart in it.
MARK_BOX = 48.0
HOUSE = [(24.0, 4.0), (45.0, 22.0), (45.0, 44.0), (3.0, 44.0), (3.0, 22.0)]
HOUSE_RADIUS = 3.0
HEART_CENTER = (24.0, 28.0)
HEART_WIDTH = 19.0


def heart_parts(
    center: Point, width: float
) -> tuple[tuple[Point, float], tuple[Point, float], list[Point]]:
    """A heart as two circles and a polygon: ((left center, radius), (right center,
    radius), polygon). `center` is where the two lobes meet."""
    cx, cy = center
    radius = width * 0.27
    left = (cx - width / 2 + radius, cy)
    right = (cx + width / 2 - radius, cy)
    tip = (cx, cy + width * 0.6)

    def tangent(circle: Point, outward: int) -> Point:
        dx, dy = tip[0] - circle[0], tip[1] - circle[1]
        distance = math.hypot(dx, dy)
        towards_tip = math.atan2(dy, dx)
        turn = math.acos(radius / distance)
        angle = towards_tip + outward * turn
        return (
            circle[0] + radius * math.cos(angle),
            circle[1] + radius * math.sin(angle),
        )

    polygon = [tangent(left, 1), left, (cx, cy - radius * 0.2), right]
    polygon += [tangent(right, -1), tip]
    return (left, radius), (right, radius), polygon


def house_outline(scale: float = 1.0, offset: Point = (0.0, 0.0)) -> list[Point]:
    points = [(offset[0] + x * scale, offset[1] + y * scale) for x, y in HOUSE]
    return rounded_corners(points, HOUSE_RADIUS * scale)


def draw_mark(
    sketch: Sketch,
    origin: Point,
    size: float,
    *,
    house: str,
    heart: str,
) -> None:
    """The mark with its top-left corner at `origin`, `size` final pixels square."""
    scale = size / MARK_BOX
    sketch.polygon(house_outline(scale, origin), house)
    center = (
        origin[0] + HEART_CENTER[0] * scale,
        origin[1] + HEART_CENTER[1] * scale,
    )
    (left, radius), (right, _), polygon = heart_parts(center, HEART_WIDTH * scale)
    sketch.circle(left, radius, heart)
    sketch.circle(right, radius, heart)
    sketch.polygon(polygon, heart)


# SVG ------------------------------------------------------------------------
def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _path(points: list[Point]) -> str:
    head, *rest = points
    parts = [f"M{_number(head[0])} {_number(head[1])}"]
    parts += [f"L{_number(x)} {_number(y)}" for x, y in rest]
    return "".join(parts) + "Z"


def mark_svg_shapes(*, house: str = "", heart: str = "") -> str:
    """The mark's SVG elements in its 48 x 48 box. With no colors given, the
    house and the heart carry classes (`brand__house`, `brand__heart`) so the
    stylesheet colors them."""
    house_paint = f' fill="{house}"' if house else ' class="brand__house"'
    heart_paint = f' fill="{heart}"' if heart else ' class="brand__heart"'
    (left, radius), (right, _), polygon = heart_parts(HEART_CENTER, HEART_WIDTH)
    # The house's rounded corners as quadratic curves, as `rounded_corners` draws them.
    return (
        f'<path{house_paint} d="{_house_path()}"/>'
        f"<g{heart_paint}>"
        f"{_circle(left, radius)}{_circle(right, radius)}"
        f'<path d="{_path(polygon)}"/>'
        "</g>"
    )


def _circle(center: Point, radius: float) -> str:
    x, y = (_number(value) for value in center)
    return f'<circle cx="{x}" cy="{y}" r="{_number(radius)}"/>'


def _house_path() -> str:
    parts = []
    count = len(HOUSE)
    for index, corner in enumerate(HOUSE):
        before = HOUSE[index - 1]
        after = HOUSE[(index + 1) % count]
        start = _step(corner, before, HOUSE_RADIUS)
        end = _step(corner, after, HOUSE_RADIUS)
        command = "M" if index == 0 else "L"
        parts.append(f"{command}{_number(start[0])} {_number(start[1])}")
        parts.append(
            f"Q{_number(corner[0])} {_number(corner[1])} "
            f"{_number(end[0])} {_number(end[1])}"
        )
    return "".join(parts) + "Z"


def _step(origin: Point, target: Point, distance: float) -> Point:
    length = math.dist(origin, target)
    return (
        origin[0] + (target[0] - origin[0]) * distance / length,
        origin[1] + (target[1] - origin[1]) * distance / length,
    )


def favicon_svg() -> str:
    """The browser-tab icon: the mark in white and blue on a blue rounded tile."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48">'
        f'<rect width="48" height="48" rx="10" fill="{BLUE_700}"/>'
        '<g transform="translate(6 5) scale(0.75)">'
        f"{mark_svg_shapes(house=WHITE, heart=BLUE_500)}"
        "</g></svg>\n"
    )


def mark_svg() -> str:
    """The mark alone, blue on a light background."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48">'
        f"{mark_svg_shapes(house=BLUE_700, heart=WHITE)}</svg>\n"
    )


def logo_svg() -> str:
    """Mark and wordmark side by side, for documents and email, in the system
    font the site uses (no web font is ever loaded)."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 56" '
        'role="img" aria-label="Redeeming Hope">'
        '<g transform="translate(4 4)">'
        f"{mark_svg_shapes(house=BLUE_700, heart=WHITE)}</g>"
        f'<text x="62" y="37" font-family="{FONT_STACK}" font-size="24" '
        f'fill="{BLUE_900}"><tspan font-weight="500">Redeeming</tspan> '
        '<tspan font-weight="800">Hope</tspan></text></svg>\n'
    )


def home_illustration_svg() -> str:
    """The home at dawn, for the Home fund's card on the home page: the mark as a
    house on a hill, the sun rising behind it."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200">'
        f'<rect width="400" height="200" fill="{BLUE_100}"/>'
        f'<circle cx="200" cy="150" r="92" fill="#fbe3a6"/>'
        f'<circle cx="200" cy="150" r="66" fill="{DAWN}"/>'
        '<path d="M0 158Q100 128 200 146T400 140V200H0Z" fill="#b9cdf1"/>'
        '<path d="M0 176Q120 150 230 170T400 166V200H0Z" fill="#9bb6ea"/>'
        '<g transform="translate(152 68) scale(2)">'
        f"{mark_svg_shapes(house=BLUE_700, heart=WHITE)}</g></svg>\n"
    )


# Raster pictures ----------------------------------------------------------------
def apple_touch_icon() -> Image.Image:
    """180 x 180, full bleed: iOS rounds the corners itself."""
    sketch = Sketch((180, 180), BLUE_700)
    draw_mark(sketch, (30, 26), 120, house=WHITE, heart=BLUE_500)
    return sketch.finish()


def open_graph_image() -> Image.Image:
    """1200 x 630, for links shared from pages that have no picture of their own:
    the mark and the name on a dark blue ground, a dawn rising behind the house."""
    width, height = 1200, 630
    sketch = Sketch((width, height), BLUE_900)
    # Dawn: a warm sun rising on the horizon behind the house, in a soft glow.
    horizon = 470.0
    sun_x = 300.0
    for radius, color in ((330, "#0a2f6b"), (280, "#0f3b80"), (240, "#17498f")):
        box = (sun_x - radius, horizon - radius, sun_x + radius, horizon + radius)
        sketch.chord(box, 180, 360, color)
    sketch.chord(
        (sun_x - 200, horizon - 200, sun_x + 200, horizon + 200), 180, 360, DAWN
    )
    sketch.rectangle((0, horizon, width, height), BLUE_700)
    draw_mark(sketch, (170, horizon - 256), 260, house=WHITE, heart=BLUE_500)
    sketch.text(
        (560, 268), "Redeeming Hope", size=76, fill=WHITE, weight=0.02, anchor="lm"
    )
    sketch.text(
        (562, 352),
        "Fighting human trafficking in Kentucky",
        size=34,
        fill=BLUE_100,
        anchor="lm",
    )
    sketch.text(
        (600, 550),
        "100% of our store's profit builds a safe home for survivors",
        size=30,
        fill=WHITE,
        anchor="mm",
    )
    return sketch.finish()


# The files under static/img/ ------------------------------------------------------
def png_bytes(picture: Image.Image, *, colors: int = 0) -> bytes:
    """PNG, reduced to a palette of `colors` when given (flat pictures lose nothing
    visible, and the file shrinks to a fifth)."""
    buffer = io.BytesIO()
    if colors:
        picture = picture.quantize(
            colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
    picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def static_files() -> dict[str, bytes]:
    """Every brand file under static/img/, by name."""
    return {
        "favicon.svg": favicon_svg().encode(),
        "logo-mark.svg": mark_svg().encode(),
        "logo.svg": logo_svg().encode(),
        "home-at-dawn.svg": home_illustration_svg().encode(),
        "apple-touch-icon.png": png_bytes(apple_touch_icon(), colors=64),
        "og-default.png": png_bytes(open_graph_image(), colors=64),
    }
