"""Shopkeeper (生意管家): an open-source, self-hosted AI operations team for e-commerce merchants."""

__version__ = "0.1.0"
