"""`{% charity_status %}`: the 501(c)(3) line (`charity_status` of
donations.services.receipts) on the donate page, in receipts and in statements,
without each view passing it."""

from django import template

from donations.services.receipts import charity_status as charity_status_line

register = template.Library()


@register.simple_tag
def charity_status() -> str:
    return charity_status_line()
