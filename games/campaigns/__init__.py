"""Campaigns: configs validated with every game's schema and named by content hash
(:mod:`~games.campaigns.config`), the ops form (:mod:`~games.campaigns.form`), the ops workflow of drafts,
publish, pause and the ops audit trail (:mod:`~games.campaigns.admin`), what may not get worse once shown to
shoppers (:mod:`~games.campaigns.disclosure`) and the public rules (:mod:`~games.campaigns.rules`).

May import :mod:`games.engine` (the contract and the registry), :mod:`games.fairness`, :mod:`games.insight`
(the pre-flight of a publish), :mod:`games.models` and :mod:`economy`.
"""
