"""Placeholder until this group of rules lands."""

RULES = ()
