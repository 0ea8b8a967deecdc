"""The base of every test factory: factory_boy's `DjangoModelFactory`, typed by
the model it makes, as in `class VariantFactory(ModelFactory[Variant])`."""

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model
from factory.django import DjangoModelFactory

M = TypeVar("M", bound=Model)


class ModelFactory(DjangoModelFactory[M]):
    """factory_boy types `create()`, `build()` and `create_batch()` by the model,
    but calling the class, `VariantFactory(...)`, goes through its metaclass, which
    mypy does not follow: it would read the call as making a `VariantFactory`. The
    `__new__` below, seen only by mypy, says what the call gives at run time: the
    saved model, as `create()` does."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # mypy wants `__new__` to return the class; the metaclass returns the model.
        def __new__(cls, **kwargs: Any) -> M: ...  # type: ignore[misc]
