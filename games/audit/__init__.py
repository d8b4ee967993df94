"""Audit: the export of a campaign's draws (:mod:`~games.audit.export`), the campaigns an auditor can open
(:mod:`~games.audit.campaigns`), reconciliation of the draw log with the ledger
(:mod:`~games.audit.reconcile`) and the goodness-of-fit of the picks (:mod:`~games.audit.stats`).

May import :mod:`games.fairness`, :mod:`games.models` and :mod:`economy`.
"""
