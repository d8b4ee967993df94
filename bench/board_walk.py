"""How many board moves a second the Monopoly cost model (games/monopoly/simulation.py) walks, next to the exact
landing odds it must agree with.

The model walks every simulated shopper at once, roll by roll (numpy): the dice, the landing, chance cards (a
move card lands again, a free roll gives a die back, a double card waits for the next reward) and the laps. One
"board move" is one roll of one shopper, whatever landings it chains. The board is the demo's (20 tiles, one
die, 5 chance cards). Each case runs once unmeasured, then ``--repeat`` times; every repetition and the median are
printed. It needs no database. Run ``python bench/board_walk.py --help``; see bench/README.md.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time

import numpy as np

from games.fairness.pools import load_pool
from games.monopoly.config import MonopolyConfig, MonopolyConfigSchema
from games.monopoly.odds import landing_odds
from games.monopoly.simulation import board_model, walk_board
from server.demo_monopoly import monopoly_demo_config

MAX_REPEAT = 20


def parse(argv: list[str]) -> argparse.Namespace:
    """The options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=200_000, help="shoppers walked at once (default 200,000)")
    parser.add_argument("--rolls", type=int, default=10, help="dice each shopper rolls (default 10)")
    parser.add_argument("--repeat", type=int, default=5, help=f"measured runs (default 5, at most {MAX_REPEAT})")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= MAX_REPEAT or args.shoppers < 1 or not 1 <= args.rolls <= 200:
        parser.error(f"--repeat 1..{MAX_REPEAT}, --shoppers at least 1, --rolls 1..200")
    return args


def main(argv: list[str]) -> int:
    """Print the moves per second of each run, their median and the largest gap to the exact odds."""
    args = parse(argv)
    raw = monopoly_demo_config()
    config: MonopolyConfig = MonopolyConfigSchema().load(raw["games"]["monopoly"])
    model = board_model(config, load_pool(raw["pool"]))
    rng = np.random.default_rng(args.seed)
    walk_board(model, 1_000, config.dice, args.rolls, rng)  # warm-up
    rates, walked = [], None
    for run in range(args.repeat):
        started = time.perf_counter()
        walked = walk_board(model, args.shoppers, config.dice, args.rolls, rng)
        seconds = time.perf_counter() - started
        rates.append(walked.rolls / seconds)
        print(f"run {run + 1}: {walked.rolls:,} moves in {seconds * 1000:.0f} ms = {rates[-1]:,.0f} moves/s")
    print(f"median: {statistics.median(rates):,.0f} board moves/s (target: at least 1,000,000)")
    assert walked is not None
    exact = landing_odds(config, args.rolls)  # free rolls make some shoppers roll more: a rough comparison
    gaps = [
        abs(n / walked.rolls - float(p)) / math.sqrt(float(p) / walked.rolls)
        for n, p in zip(walked.landings, exact, strict=True)
    ]
    print(f"largest gap to the exact landing odds: {max(gaps):.1f} standard errors (free rolls included)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
