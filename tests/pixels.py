"""Reading pictures in tests."""

from PIL import Image


def pixel_at(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """The bands of one pixel of a multi-band image (RGB, RGBA)."""
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple), f"not a multi-band image: {image.mode}"
    return pixel
