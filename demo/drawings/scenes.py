"""The campaign illustration: people in blue under a sunrise, beside a large blue
awareness ribbon (blue is the color of human trafficking awareness)."""

import math
from dataclasses import dataclass

from PIL import Image

from .brand import BLUE_500, BLUE_700, BLUE_900, DAWN
from .canvas import Point, Sketch, cubic, shade

WEAR_BLUE_ALT = (
    "An illustration of five people of different ages and skin tones standing "
    "together in blue tops at sunrise, one waving and one wearing a blue ribbon "
    "pin, beside a large blue awareness ribbon"
)


@dataclass(frozen=True)
class Person:
    x: float
    height: float  # where the top of the head is, from the bottom of the picture
    skin: str
    hair: str
    hair_style: str  # short, long, bun, curly, none
    top: str
    waving: bool = False
    ribbon: bool = False


PEOPLE = [
    Person(700, 540, "#8d5524", "#1b1b1f", "curly", BLUE_700),
    Person(905, 590, "#f1c27d", "#a0522d", "long", BLUE_500, waving=True),
    Person(1100, 450, "#c68642", "#2b1d14", "bun", "#4f86e8"),
    Person(1290, 610, "#ffdbac", "#cfcfd4", "short", BLUE_900, ribbon=True),
    Person(1470, 540, "#e0ac69", "#3b2a20", "short", "#2a6fdb"),
]


def _ribbon(sketch: Sketch, center: Point, size: float, width: float) -> None:
    """An awareness ribbon: a loop at the top, two tails crossing below it."""
    cx, cy = center

    def at(x: float, y: float) -> Point:
        return (cx + x * size, cy + y * size)

    back = cubic(at(0, -265), at(-40, -270), at(-100, -230), at(-80, -140))
    back += cubic(at(-80, -140), at(-60, -40), at(60, 150), at(140, 270))
    front = cubic(at(-140, 270), at(-60, 150), at(60, -40), at(80, -140))
    front += cubic(at(80, -140), at(100, -230), at(40, -270), at(0, -265))
    front.append(at(-12, -264))  # overlaps the back strand: no seam at the top
    sketch.band(back, BLUE_700, width)
    sketch.band(front, BLUE_500, width)


def _person(sketch: Sketch, person: Person, ground: float) -> None:
    x = person.x
    head_radius = 62 if person.height > 500 else 52
    head_y = ground - person.height + head_radius
    shoulder_y = head_y + head_radius + 28
    half = 120 if person.height > 500 else 95
    # Behind the head: long hair and a bun.
    if person.hair_style == "long":
        sketch.rectangle(
            (x - head_radius - 6, head_y - 10, x + head_radius + 6, head_y + 130),
            person.hair,
            radius=head_radius,
        )
    if person.hair_style == "bun":
        sketch.circle((x, head_y - head_radius - 14), 30, person.hair)
    if person.hair_style in ("short", "long", "bun"):
        sketch.circle((x, head_y - 9), head_radius + 7, person.hair)
    # A raised arm (behind the body) for the one who waves.
    if person.waving:
        shoulder = (x + half - 30, shoulder_y + 40)
        elbow = (x + half + 60, shoulder_y - 60)
        hand = (x + half + 70, shoulder_y - 170)
        sketch.band(
            cubic(shoulder, elbow, elbow, (hand[0], hand[1] + 20), steps=16),
            person.top,
            56,
        )
        sketch.circle(hand, 32, person.skin)
    # Neck, body (the top, with rounded shoulders), head.
    sketch.rectangle(
        (x - 22, head_y + 20, x + 22, shoulder_y + 20), shade(person.skin, -0.12)
    )
    sketch.rectangle(
        (x - half, shoulder_y, x + half, ground + 60), person.top, radius=70
    )
    sketch.chord(
        (x - 34, shoulder_y - 22, x + 34, shoulder_y + 30),
        0,
        180,
        shade(person.skin, -0.12),
    )
    face = (
        x - head_radius,
        head_y + 4 - head_radius,
        x + head_radius,
        head_y + 4 + head_radius,
    )
    sketch.ellipse(face, person.skin)
    if person.hair_style in ("short", "long", "bun"):
        sketch.chord(face, 212, 328, person.hair)
    if person.hair_style == "curly":
        for step in range(9):
            angle = math.pi + math.pi * step / 8
            sketch.circle(
                (
                    x + head_radius * 0.95 * math.cos(angle),
                    head_y + head_radius * 0.8 * math.sin(angle) - 6,
                ),
                24,
                person.hair,
            )
    # A small ribbon pin on the chest.
    if person.ribbon:
        _ribbon(sketch, (x - half * 0.45, shoulder_y + 95), 0.13, 11)


def draw_wear_blue(size: tuple[int, int] = (1600, 900)) -> Image.Image:
    """The #WearBlue illustration, drawn for 1600 x 900 and scaled to `size`."""
    width, height = 1600, 900
    sketch = Sketch((width, height), "#dfe8fa")
    horizon = 640.0
    # A dawn sky: pale blue above, warm toward the horizon.
    sketch.gradient((0, 0, width, horizon + 60), "#dfe8fa", "#fde7c0", ease=1.6)
    sketch.circle((330, horizon), 250, "#fcd98a")
    sketch.circle((330, horizon), 185, DAWN)
    # Two soft hills, the far one lighter.
    _hill(sketch, horizon - 30, 60, 0.004, 1.0, "#bfd1f2", width, height)
    _hill(sketch, horizon + 40, 50, 0.003, 2.5, "#a3bdea", width, height)
    # The ribbon, large, on the left.
    # Pages often show the picture as a wide band cut from its middle, so what
    # matters stays between a sixth from the top and a sixth from the bottom.
    _ribbon(sketch, (330, 475), 0.95, 72)
    ground = float(height)
    for person in sorted(PEOPLE, key=lambda p: -p.height):
        _person(sketch, person, ground)
    picture = sketch.finish()
    if size != (width, height):
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    return picture


def _hill(
    sketch: Sketch,
    level: float,
    amplitude: float,
    frequency: float,
    phase: float,
    color: str,
    width: int,
    height: int,
) -> None:
    points = [
        (float(x), level - amplitude * math.sin(x * frequency + phase))
        for x in range(0, width + 40, 40)
    ]
    points += [(float(width), float(height)), (0.0, float(height))]
    sketch.polygon(points, color)
