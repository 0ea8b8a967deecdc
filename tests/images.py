"""Helpers for tests of pictures: typed wrappers the image tests share."""

from django.db import models
from django.db.models.fields.files import FieldFile

from core.images import Picture, picture_for


def field_file(name: str | None, field: models.ImageField | None = None) -> FieldFile:
    """A FieldFile with no model instance: the images code reads only its file."""
    # The stubs want a model; the code under test never touches it.
    return FieldFile(None, field or models.ImageField(), name)  # type: ignore[arg-type]


def picture_of(original: FieldFile, **kwargs) -> Picture:
    """`picture_for` of an original that is there: a Picture, never None."""
    picture = picture_for(original, **kwargs)
    assert picture is not None
    return picture
