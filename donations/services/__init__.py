"""
The donations app's writes, one module per job:

- `donors`: one donor per email address;
- `gifts`: one-time gifts online, and the opening of any gift's payment page;
- `monthly`: monthly gifts, their manage link, canceling, the canceled email;
- `offline`: cash and check gifts staff record;
- `outcomes`: what a payment became (the payment outcome handlers' writes);
- `receipts`: receipt numbers, receipts and dedication notes;
- `statements`: sending annual statements;
- `privacy`: a donor's copy and erasure, and forgetting gifts never paid.

Each email task (`send_*`) sits beside the service that sends it. Reads are in
`donations.selectors`, errors in `donations.errors`.
"""
