"""Ops insight: the cost simulation of a pool and its caps (:mod:`~games.insight.simulate`,
:mod:`~games.insight.simulate_caps`, :mod:`~games.insight.simulate_limits`), the pre-flight of a publish
(:mod:`~games.insight.preflight`), live metrics (:mod:`~games.insight.metrics`) and CSV reports
(:mod:`~games.insight.reports`).

May import :mod:`games.fairness`, :mod:`games.campaigns` (configs), :mod:`games.engine.registry` (each game's
model of play), :mod:`games.models` and :mod:`economy`.
"""
