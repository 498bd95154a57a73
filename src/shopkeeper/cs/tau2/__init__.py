"""τ²-bench retail conformance: their database as an order backend, their tools over our
after-sale tools and policy, the gold-call replay and the forbidden scenarios.
"""
