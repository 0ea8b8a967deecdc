"""The donations admin, for volunteers: gifts (with the total of what the list
shows), donors with their yearly totals, monthly gifts, the Home fund and its
milestones, and the preset amounts of the donate page."""

from donations.admin import gifts, others

__all__ = ["gifts", "others"]
