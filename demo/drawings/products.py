"""Product mockups for the demo shop: each item flat and centered on a light ground,
in the colors it is sold in, with a simple print (usually the mark) on it.

`draw_product(kind, colors)` draws one picture; when a product comes in several
colors they stand side by side in the one picture.
"""

import math
from collections.abc import Callable

from PIL import Image

from .brand import BLUE_500, BLUE_700, BLUE_900, WHITE, draw_mark, heart_parts
from .canvas import Point, Sketch, luminance, shade

SIZE = 1200
BACKGROUND = "#f1f3f6"

# Variant color names (as the shop's variants spell them) and their paint.
COLORS = {
    "royal blue": "#1f50c2",
    "navy": "#1c2b4d",
    "blue": "#2560d8",
    "silver": "#b8bec8",
    "natural": "#ece2cc",
    "stone": "#cdc3ae",
    "white": "#fbfbfc",
    "black": "#23252b",
}

Drawer = Callable[[Sketch, str, Point, float], None]


def paint(color: str) -> str:
    try:
        return COLORS[color.strip().lower()]
    except KeyError:
        raise ValueError(f"No paint for the color {color!r}.") from None


def _print_colors(garment: str) -> tuple[str, str]:
    """House and heart colors for a print that shows on `garment`."""
    if luminance(garment) < 0.45:
        return WHITE, BLUE_500
    return BLUE_700, WHITE


def _t_shirt(sketch: Sketch, color: str, center: Point, scale: float) -> None:
    cx, cy = center

    def at(x: float, y: float) -> Point:
        return (cx + x * scale, cy + y * scale)

    body = [
        at(-95, -330),
        at(-215, -290),
        at(-390, -150),
        at(-300, -30),
        at(-230, -95),
        at(-230, 330),
        at(230, 330),
        at(230, -95),
        at(300, -30),
        at(390, -150),
        at(215, -290),
        at(95, -330),
    ]
    sketch.shadow(
        (cx - 260 * scale, cy + 300 * scale, cx + 260 * scale, cy + 360 * scale)
    )
    sketch.polygon(body, color, radius=14 * scale)
    darker = shade(color, -0.22)
    # The collar: a rib in a darker shade, the back of the neck showing inside.
    sketch.chord((*at(-100, -385), *at(100, -255)), 0, 180, darker)
    sketch.chord((*at(-82, -370), *at(82, -272)), 0, 180, shade(color, -0.4))
    # Sleeve hems and seams, a shade darker.
    sketch.line([at(-352, -106), at(-266, -63)], darker, 10 * scale)
    sketch.line([at(352, -106), at(266, -63)], darker, 10 * scale)
    sketch.line([at(-230, 300), at(230, 300)], darker, 6 * scale)
    house, heart = _print_colors(color)
    draw_mark(sketch, at(-70, -210), 140 * scale, house=house, heart=heart)


def _hoodie(sketch: Sketch, color: str, center: Point, scale: float) -> None:
    cx, cy = center[0], center[1] + 25 * scale  # its middle, not its top, centered

    def at(x: float, y: float) -> Point:
        return (cx + x * scale, cy + y * scale)

    darker = shade(color, -0.25)
    lighter = shade(color, 0.12)
    sketch.shadow(
        (cx - 300 * scale, cy + 320 * scale, cx + 300 * scale, cy + 380 * scale)
    )
    # The hood, behind the shoulders.
    sketch.ellipse((*at(-160, -430), *at(160, -210)), darker)
    body = [
        at(-120, -300),
        at(-235, -270),
        at(-330, -150),
        at(-400, 250),
        at(-310, 270),
        at(-255, -20),
        at(-240, 340),
        at(240, 340),
        at(255, -20),
        at(310, 270),
        at(400, 250),
        at(330, -150),
        at(235, -270),
        at(120, -300),
    ]
    sketch.polygon(body, color, radius=18 * scale)
    # The hood's opening and the neck inside it.
    sketch.ellipse((*at(-120, -395), *at(120, -240)), lighter)
    sketch.ellipse((*at(-90, -375), *at(90, -265)), shade(color, -0.45))
    # Drawstrings.
    sketch.line([at(-45, -262), at(-52, -130)], WHITE, 11 * scale)
    sketch.line([at(45, -262), at(52, -130)], WHITE, 11 * scale)
    # Ribbed cuffs and waistband, and the front pocket.
    sketch.polygon(
        [at(-400, 250), at(-310, 270), at(-306, 300), at(-402, 282)],
        darker,
        radius=6 * scale,
    )
    sketch.polygon(
        [at(400, 250), at(310, 270), at(306, 300), at(402, 282)],
        darker,
        radius=6 * scale,
    )
    sketch.rectangle((*at(-240, 300), *at(240, 345)), darker, radius=8 * scale)
    sketch.polygon(
        [at(-150, 120), at(150, 120), at(195, 285), at(-195, 285)],
        lighter,
        radius=10 * scale,
    )
    sketch.line([at(-150, 120), at(150, 120)], darker, 6 * scale)
    # The print: #WearBlue across the chest.
    sketch.text(at(0, -40), "#WearBlue", size=74 * scale, fill=WHITE, weight=0.03)


def _cap(sketch: Sketch, color: str, center: Point, scale: float) -> None:
    cx, cy = center
    scale *= 1.25

    def at(x: float, y: float) -> Point:
        return (cx + x * scale, cy + y * scale)

    darker = shade(color, -0.25)
    sketch.shadow(
        (cx - 250 * scale, cy + 210 * scale, cx + 250 * scale, cy + 270 * scale)
    )
    # The visor, seen from the front: a crescent under the crown's curved edge.
    sketch.chord((*at(-260, -40), *at(260, 240)), 0, 180, darker)
    # The crown: half a dome, down to a curved lower edge.
    sketch.chord((*at(-230, -230), *at(230, 230)), 180, 360, color)
    sketch.rectangle((*at(-230, -4), *at(230, 64)), color)
    sketch.chord((*at(-230, -60), *at(230, 180)), 0, 180, color)
    sketch.circle(at(0, -226), 16 * scale, darker)
    # The embroidered mark on the front panel.
    house, heart = _print_colors(color)
    if house == WHITE:
        house = "#8fb0ee"
        heart = BLUE_900
    draw_mark(sketch, at(-60, -160), 120 * scale, house=house, heart=heart)


def _mug(sketch: Sketch, color: str, center: Point, scale: float) -> None:
    cx, cy = center

    def at(x: float, y: float) -> Point:
        return (cx + x * scale, cy + y * scale)

    sketch.shadow(
        (cx - 260 * scale, cy + 250 * scale, cx + 300 * scale, cy + 310 * scale)
    )
    # The handle, a thick ring on the right.
    sketch.ring((*at(120, -150), *at(380, 140)), shade(color, -0.12), 58 * scale)
    # The body, with its rim seen from just above.
    sketch.rectangle((*at(-230, -240), *at(230, 280)), color, radius=34 * scale)
    sketch.ellipse((*at(-230, -280), *at(230, -200)), shade(color, -0.06))
    sketch.ellipse((*at(-214, -272), *at(214, -210)), shade(color, -0.2))
    # A soft highlight down the left side.
    sketch.rectangle(
        (*at(-190, -180), *at(-160, 220)), shade(color, 0.6), radius=15 * scale
    )
    # The printed blue band with the mark in white.
    sketch.rectangle((*at(-230, -90), *at(230, 150)), BLUE_500)
    draw_mark(sketch, at(-78, -62), 156 * scale, house=WHITE, heart=BLUE_700)


def _tote(sketch: Sketch, color: str, center: Point, scale: float) -> None:
    cx, cy = center[0], center[1] + 45 * scale  # its middle, not its top, centered

    def at(x: float, y: float) -> Point:
        return (cx + x * scale, cy + y * scale)

    darker = shade(color, -0.18)
    sketch.shadow(
        (cx - 280 * scale, cy + 320 * scale, cx + 280 * scale, cy + 380 * scale)
    )
    # Long handles: the back one (darker, a little to the right) behind the bag,
    # the front one sewn onto the front panel.
    sketch.ring(
        (*at(-100, -470), *at(160, 150)), darker, 34 * scale, start=180, end=360
    )
    sketch.polygon(
        [at(-260, -160), at(260, -160), at(275, 350), at(-275, 350)],
        color,
        radius=10 * scale,
    )
    sketch.rectangle((*at(-260, -160), *at(260, -132)), shade(color, -0.1))
    handle = shade(color, -0.06)
    sketch.ring(
        (*at(-130, -460), *at(130, 140)), handle, 34 * scale, start=180, end=360
    )
    for x in (-130, 130):
        sketch.rectangle(
            (*at(x - 17, -170), *at(x + 17, -70)), handle, radius=4 * scale
        )
    # The print: the mark and the name in blue.
    draw_mark(sketch, at(-80, -60), 160 * scale, house=BLUE_700, heart=color)
    sketch.text(at(0, 190), "Redeeming", size=64 * scale, fill=BLUE_700, weight=0.02)
    sketch.text(at(0, 265), "Hope", size=64 * scale, fill=BLUE_700, weight=0.04)


def _bracelet(sketch: Sketch, color: str, center: Point, scale: float) -> None:
    cx, cy = center
    scale *= 1.3

    def at(x: float, y: float) -> Point:
        return (cx + x * scale, cy + y * scale)

    darker = shade(color, -0.3)
    lighter = shade(color, 0.35)
    sketch.shadow(
        (cx - 230 * scale, cy + 120 * scale, cx + 230 * scale, cy + 200 * scale),
        opacity=0.14,
    )
    box = (*at(-220, -150), *at(220, 150))
    # A braided cord: a thick ring, then short slanted strands all around it.
    sketch.ring(box, darker, 44 * scale)
    sketch.ring(
        (
            box[0] + 4 * scale,
            box[1] + 4 * scale,
            box[2] - 4 * scale,
            box[3] - 4 * scale,
        ),
        color,
        34 * scale,
    )
    rx, ry = 198 * scale, 128 * scale
    for step in range(56):
        angle = 2 * math.pi * step / 56
        x = cx + rx * math.cos(angle)
        y = cy + ry * math.sin(angle)
        dx, dy = 10 * scale, -8 * scale
        sketch.line([(x - dx, y - dy), (x + dx, y + dy)], lighter, 6 * scale)
    # The sliding knot, and the engraved silver charm hanging from the front.
    sketch.rectangle((*at(-40, 118), *at(40, 170)), darker, radius=14 * scale)
    sketch.line([at(0, 160), at(0, 200)], "#8b919b", 8 * scale)
    sketch.circle(at(0, 260), 70 * scale, "#9ba1ab")
    sketch.circle(at(0, 260), 62 * scale, "#d5d9df")
    draw_mark(sketch, at(-38, 220), 76 * scale, house="#8b919b", heart="#d5d9df")


def _sticker_pack(sketch: Sketch, color: str, center: Point, scale: float) -> None:
    cx, cy = center[0], center[1] + 40 * scale

    def at(x: float, y: float) -> Point:
        return (cx + x * scale, cy + y * scale)

    sketch.shadow(
        (cx - 330 * scale, cy + 290 * scale, cx + 330 * scale, cy + 350 * scale),
        opacity=0.12,
    )
    # The backing sheet, slightly turned.
    turn = math.radians(-3)

    def turned(x: float, y: float) -> Point:
        return at(
            x * math.cos(turn) - y * math.sin(turn),
            x * math.sin(turn) + y * math.cos(turn),
        )

    for inset, fill in ((0, "#dfe3ea"), (8, WHITE)):
        x0, y0, x1, y1 = -320 + inset, -400 + inset, 320 - inset, 320 - inset
        corners = [turned(x0, y0), turned(x1, y0), turned(x1, y1), turned(x0, y1)]
        sketch.polygon(corners, fill, radius=(24 - inset / 2) * scale)

    # 1. A round sticker with the mark.
    sketch.circle(at(-135, -225), 128 * scale, "#e4e8ef")
    sketch.circle(at(-135, -225), 120 * scale, BLUE_700)
    draw_mark(sketch, at(-205, -300), 140 * scale, house=WHITE, heart=BLUE_500)
    # 2. A heart.
    (left, radius), (right, _), polygon = heart_parts(at(150, -265), 190 * scale)
    for grow, fill in ((9 * scale, "#e4e8ef"), (0, "#b3261e")):
        sketch.circle(left, radius + grow, fill)
        sketch.circle(right, radius + grow, fill)
        sketch.polygon(polygon, fill, radius=grow)
    # 3. #WearBlue.
    sketch.rectangle((*at(-250, -55), *at(250, 55)), BLUE_500, radius=55 * scale)
    sketch.text(at(0, 0), "#WearBlue", size=62 * scale, fill=WHITE, weight=0.03)
    # 4. A little house, blue outline on white.
    draw_mark(sketch, at(-230, 100), 150 * scale, house=BLUE_900, heart="#f6c453")
    # 5. The hotline number.
    sketch.rectangle((*at(-50, 110), *at(270, 240)), "#f6c453", radius=16 * scale)
    sketch.text(at(110, 148), "Hotline", size=34 * scale, fill=BLUE_900, weight=0.03)
    sketch.text(
        at(110, 200), "1-888-373-7888", size=34 * scale, fill=BLUE_900, weight=0.02
    )


DRAWERS: dict[str, tuple[Drawer, str]] = {
    # kind: (drawing, the color it comes in when the product names none)
    "t-shirt": (_t_shirt, "royal blue"),
    "hoodie": (_hoodie, "navy"),
    "cap": (_cap, "navy"),
    "mug": (_mug, "white"),
    "tote": (_tote, "natural"),
    "bracelet": (_bracelet, "blue"),
    "sticker-pack": (_sticker_pack, "white"),
}


def draw_product(kind: str, colors: list[str] | None = None) -> Image.Image:
    """A `SIZE`-pixel square picture of a `kind` of product in each of `colors`
    (the variants' color names), side by side when there are several."""
    try:
        drawer, default = DRAWERS[kind]
    except KeyError:
        raise ValueError(f"No drawing for a {kind!r}.") from None
    names = [name for name in colors or [] if name] or [default]
    sketch = Sketch((SIZE, SIZE), BACKGROUND)
    count = len(names)
    scale = 1.12 if count == 1 else 0.8
    # Several colors: one behind and to the left, the next in front to the right.
    spread = 0 if count == 1 else 500 / (count - 1)
    for index, name in enumerate(names):
        x = SIZE / 2 + (index - (count - 1) / 2) * spread
        y = SIZE / 2 + (0 if count == 1 else (index - (count - 1) / 2) * 90)
        drawer(sketch, paint(name), (x, y), scale)
    return sketch.finish()
