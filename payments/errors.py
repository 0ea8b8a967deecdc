"""Errors the payments app raises to the apps that use it."""


class PaymentError(Exception):
    """
    A checkout could not be started (the gateway refused or could not be reached,
    or no gateway is configured).

    `str(error)` is written for the buyer and is safe to show on a page; the
    technical cause is logged (and chained as `__cause__`), never shown.
    """
