"""After-sale service: negative_reviews (product, :mod:`.reviews`) and refund_spike (sku, :mod:`.refunds`).

Both compare a listing's (or SKU's) recent share of bad outcomes with its normal share over the
weeks before (:func:`.rates.rise`): the normal share is a Beta belief shrunk toward the listing's
category, so a thin or lucky history is not held to a normal of zero; a rise needs a minimum
count and excess, the Wilson 99 % intervals apart, a clear ratio, and a beta-binomial tail at
``alpha`` / the number of listings (and topics) tested, so that noise alone makes any of them fire
in at most ``alpha`` of inspections. Complaint topics come from a small zh/en lexicon read with
negation (:mod:`.complaints`, jieba for Chinese), only for the few flagged listings.
"""

from __future__ import annotations

from shopkeeper.inspection.registry import Minimum, Rule
from shopkeeper.inspection.rules.refunds import RefundSettings, detect_refund_spike
from shopkeeper.inspection.rules.reviews import ReviewSettings, detect_negative_reviews

RULES = (
    Rule(
        "negative_reviews",
        ("reviews",),
        ReviewSettings,
        detect_negative_reviews,
        minimums=(
            Minimum("min_low", "recent 1-2★ (or same-topic) reviews of the listing"),
            Minimum("store_min_low", "recent 1-2★ reviews of the store (its alarm)"),
        ),
    ),
    Rule(
        "refund_spike",
        ("refunds",),
        RefundSettings,
        detect_refund_spike,
        minimums=(Minimum("min_refunds", "after-sale cases of the SKU in the window"),),
    ),
)
