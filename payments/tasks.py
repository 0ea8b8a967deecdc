"""
The fee tasks under the names they were queued by before they moved beside the
service that runs them (`payments.services.fees`): a task a worker finds in the
queue is looked up by that name. Nothing new is queued under these names; drop
this module once no queued task uses them.
"""

from payments.services.fees import checkout_fee_fetch, invoice_fee_fetch

__all__ = ["checkout_fee_fetch", "invoice_fee_fetch"]
