"""After-sale self-service under a deterministic policy (see ``docs/cs-policy.md``).

Public API: :class:`AfterSale` (the tools), :func:`open_store_aftersale` (on a Shopkeeper store),
:class:`OrderBackend` (what a backend implements), :class:`CsPolicy` / :func:`load_cs_policy` /
:func:`decide` (the policy), and the models a conversation passes around.
"""

from shopkeeper.cs.aftersale.backend import OrderBackend
from shopkeeper.cs.aftersale.ledger import Proposal, Summary
from shopkeeper.cs.aftersale.models import Address, Buyer, Order, OrderLine, Shipment, Sku
from shopkeeper.cs.aftersale.policy import CsPolicy, Facts, decide, load_cs_policy
from shopkeeper.cs.aftersale.reasons import REASONS, Decision, Reason
from shopkeeper.cs.aftersale.service import AfterSale, NotAllowed, Outcome
from shopkeeper.cs.aftersale.store import StoreBackend, open_store_aftersale

__all__ = [
    "REASONS",
    "Address",
    "AfterSale",
    "Buyer",
    "CsPolicy",
    "Decision",
    "Facts",
    "NotAllowed",
    "Order",
    "OrderBackend",
    "OrderLine",
    "Outcome",
    "Proposal",
    "Reason",
    "Shipment",
    "Sku",
    "StoreBackend",
    "Summary",
    "decide",
    "load_cs_policy",
    "open_store_aftersale",
]
