"""Compliance checks and targets, one function each, parameterised by the county's pack.

Each function takes the run's ``Context`` and the rule's ``RuleConfig`` from the pack and returns
an ``Outcome``. Queries are set-based over the county's registry; nothing here writes.
"""
