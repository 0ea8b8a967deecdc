"""
The shop's errors: what a service refuses, in words safe to show (the buyer at
checkout and in the cart, staff in the admin).
"""


class CheckoutError(Exception):
    """A checkout the shop refuses; str() is safe to show to the buyer, and
    `variant_id` / `item` name the offending cart line when there is one."""

    def __init__(
        self, message: str, *, variant_id: int | None = None, item: str = ""
    ) -> None:
        super().__init__(message)
        self.variant_id = variant_id
        self.item = item


class EmptyCart(CheckoutError):
    pass


class VariantUnavailable(CheckoutError):
    pass


class InvalidQuantity(CheckoutError):
    pass


class SoldOut(CheckoutError):
    pass


class InvalidPromoCode(CheckoutError):
    """The cart's promo code cannot be used (expired, used up...)."""


class CartHasPendingOrder(CheckoutError):
    """Another checkout of the same cart placed its order first."""


class HoldLimitReached(CheckoutError):
    """The order would take one buyer past what they may hold unpaid at once
    (ShopSettings); the message says how many they can buy and what to do."""


class OrderBelowMinimum(CheckoutError):
    """The order comes to less than the card processor can take (a big promo
    discount on a local pickup): refused before anything is made."""


class TotalChanged(CheckoutError):
    """The order would cost other than the total the buyer was last shown
    (another address, delivery, price or promo): nothing is made, and the
    buyer is shown the new total before being asked to pay it."""


class PromoInvalid(Exception):
    """A code that cannot be used; str() says why, for the buyer."""


class StockRefused(Exception):
    """An adjustment that cannot be made; str() says why, for staff."""


class TransitionRefused(Exception):
    """A fulfilment step the order is not ready for; str() says why, for staff."""


class RefundRefused(Exception):
    """A refund that cannot be made; str() says why, for staff."""


class OrdersStillAtCheckout(Exception):
    """Orders of this email are on an open payment page: erasing them now
    would let a payment arrive for an order whose buyer we can no longer reach."""

    def __init__(self, numbers: list[str]) -> None:
        self.numbers = numbers
        super().__init__(
            "These orders are still at checkout: "
            + ", ".join(numbers)
            + ". Try again in an hour, once their payment pages have closed."
        )
