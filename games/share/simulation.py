"""The share's cost model for ops (numpy): each share gets a number of valid assists from the expected
distribution (ops give the share of shares reaching 0, 1, 2, ... assists, or a mean for a Poisson); thresholds
reached cost their prizes, each assist the helper prizes' mean cost. Out: expected, p95 and p99 per share and for
all shares."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from games.fairness.pools import Pool
from games.share.config import ShareConfig

Z95, Z99 = 1.6448536269514722, 2.3263478740408408
SAMPLE = 100_000


class ShareAudienceSchema(Schema):
    """How many shares, and how many assists each gets: ``mean_assists`` (Poisson) or ``assists_shares`` (the share of
    shares getting 0, 1, 2, ... assists, adding up to 1)."""

    shares = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100_000_000))
    mean_assists = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 1000))
    assists_shares = fields.List(fields.Float(validate=validate.Range(0, 1)), load_default=None, allow_none=True)
    seed = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(0, 2**63 - 1))

    @validates_schema
    def _one_model(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("mean_assists") is None) == (data.get("assists_shares") is None):
            raise ValidationError("give mean_assists or assists_shares", "mean_assists")
        shares = data.get("assists_shares")
        if shares is not None and not math.isclose(sum(shares), 1.0, abs_tol=1e-6):
            raise ValidationError("the shares must add up to 1", "assists_shares")


def simulate_shares(config: ShareConfig, pool: Pool, audience: dict[str, Any]) -> dict[str, Any]:
    """The forecast for ``audience`` (loaded by :class:`ShareAudienceSchema`)."""
    rng = np.random.default_rng(audience["seed"])
    assists = _assists(audience, rng)
    valid = np.minimum(assists, config.goal)
    cost = np.zeros(valid.size)
    fen = {p.key: float(p.cost_fen) for p in pool.prizes}
    for threshold in config.thresholds:
        cost += (valid >= threshold.assists) * fen.get(threshold.prize, 0.0)
    if config.helper_prizes:
        helper_mean = sum(p.weight * fen.get(p.prize, 0.0) for p in config.helper_prizes) / config.helper_weight
        cost += valid * helper_mean
    p95, p99 = np.percentile(cost, [95, 99])
    mean, spread, shares = float(cost.mean()), float(cost.std()), audience["shares"]
    return {
        "per_share": {"expected_fen": mean, "p95_fen": float(p95), "p99_fen": float(p99)},
        "audience": {
            "expected_fen": mean * shares,
            "p95_fen": mean * shares + Z95 * spread * math.sqrt(shares),
            "p99_fen": mean * shares + Z99 * spread * math.sqrt(shares),
        },
        "unlocked_share": {str(t.assists): float((valid >= t.assists).mean()) for t in config.thresholds},
        "shares_simulated": int(valid.size),
        "method": "shares simulated one by one; assists beyond the goal count nothing; held and refused assists"
        " left out; no stock or budget limits (an upper bound)",
    }


def _assists(audience: dict[str, Any], rng: np.random.Generator) -> np.ndarray:
    sample = min(audience["shares"], SAMPLE)
    if audience["mean_assists"] is not None:
        return rng.poisson(audience["mean_assists"], sample)
    shares = np.array(audience["assists_shares"], dtype=float)
    return rng.choice(shares.size, size=sample, p=shares / shares.sum())
