"""Who takes a step on an order: a staff member, or None (the payment
processor, a script, a test). The order's history keeps the staff member."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

type Actor = AbstractBaseUser | AnonymousUser | None


def staff_member(by: Any) -> Any:
    """The staff member who took a step, or None (a script, a test, the
    payment processor)."""
    return by if isinstance(by, AbstractBaseUser) and by.pk is not None else None
