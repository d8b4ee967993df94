"""A game package installed through the ``carnival.games`` entry point (tests/plugins/coin/, which nothing
else names) gets an ops form, a section of the rules page, a simulation model, play through the engine in a
campaign beside the wheel, and a verifier path: with no file outside its folder touched."""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Clock, add_campaign, build_app, login, wheel_config
from tests.e2e.audit_exports import failed, run, verify
from tests.e2e.js_verifier import js_verdicts
from tests.e2e.test_ops_api import staff
from tests.unit.games.fairness.verify.tamperings import rehashed

FLIPS = 3
ENTRY_POINTS = "\n".join(
    [
        "[carnival.games]",
        "coin = tests.plugins.coin.game:game",
        "[carnival.replays]",
        "coin = tests.plugins.coin.replay:replay",
    ]
)


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The coin package installed as a distribution declaring its entry point (found on ``sys.path``)."""
    info = tmp_path / "site" / "carnival_coin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: carnival-coin\nVersion: 1.0\n", "utf-8")
    (info / "entry_points.txt").write_text(ENTRY_POINTS, "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    importlib.invalidate_caches()
    return tmp_path


@pytest.fixture
def coin_app(installed: Path, database_url: str, clock: Clock) -> Iterator[Flask]:
    """The app, its registry loaded from the entry points (the coin's among them)."""
    app = build_app(database_url, clock)
    yield app
    app.extensions["carnival.engine"].dispose()


def coin_and_wheel_config() -> dict[str, Any]:
    """The demo's pool, caps and wheel, and the coin: two games sharing one pool, budget and caps."""
    config = copy.deepcopy(wheel_config())
    config["games"]["coin"] = {"flips_per_day": FLIPS}
    return config


def flip(client: FlaskClient, campaign: int, key: str) -> Any:
    return client.post(f"/api/play/{campaign}/games/coin/flip", headers={"Idempotency-Key": key})


JS_KNOWN = "checkin, invite, monopoly, share, tasks, wheel"


def test_the_registry_loads_the_installed_game(coin_app: Flask) -> None:
    assert coin_app.extensions["carnival.registry"].names() == [
        "checkin",
        "coin",
        "invite",
        "monopoly",
        "share",
        "tasks",
        "wheel",
    ]


def test_ops_get_its_settings_form_and_its_simulation_model(coin_app: Flask) -> None:
    ops = staff(coin_app, "ops", "gina")
    coin = {field["name"]: field for field in ops.get("/api/ops/schemas").json["games"]["coin"]["fields"]}
    assert coin["flips_per_day"]["maximum"] == 100
    config = coin_and_wheel_config()
    asked = {"pool": config["pool"], "players_per_day": 100, "days": 2, "runs": 20, "seed": 1}
    alone = ops.post(
        "/api/ops/simulate", json={**asked, "games": {"coin": {"flips_per_day": FLIPS}}, "draws_per_player": FLIPS}
    )
    assert alone.status_code == 200, alone.json
    assert (
        alone.json["max_draws_per_player"] == FLIPS and alone.json["draws"] == 20 * 100 * FLIPS * 2
    )  # runs x players x draws x days
    wheel = config["games"]["wheel"]
    most = FLIPS + wheel["free_spins_per_day"] + wheel["max_extra_spins_per_day"]
    too_many = ops.post("/api/ops/simulate", json={**asked, "games": config["games"], "draws_per_player": most + 1})
    assert too_many.status_code == 422
    assert too_many.json["fields"] == {"draws_per_player": [f"the games allow at most {most} draws a shopper a day"]}
    invalid = ops.post(
        "/api/ops/simulate", json={**asked, "games": {"coin": {"flips_per_day": 0}}, "draws_per_player": 1}
    )
    assert invalid.status_code == 422 and "config.games.coin.flips_per_day" in invalid.json["fields"]


def test_its_rules_section_is_on_the_rules_page(coin_app: Flask) -> None:
    campaign = add_campaign(coin_app, coin_and_wheel_config())
    sections = coin_app.test_client().get(f"/api/campaigns/{campaign}/rules").json["game_rules"]
    assert [section["game"] for section in sections] == ["coin", "wheel"]
    assert sections[0]["lines"] == [{"zh": f"每天可抛硬币 {FLIPS} 次", "en": f"{FLIPS} coin flips a day"}]


def test_it_plays_beside_the_wheel_and_its_draws_verify(coin_app: Flask, clock: Clock, tmp_path: Path) -> None:
    campaign = add_campaign(coin_app, coin_and_wheel_config())
    shopper = coin_app.test_client()
    login(shopper, "flipper")
    flips = [flip(shopper, campaign, f"coin-flip-{n}") for n in range(FLIPS)]
    assert [answer.status_code for answer in flips] == [200] * FLIPS, flips[-1].json
    assert [answer.json["proof"]["nonce"] for answer in flips] == [0, 1, 2]
    spun = shopper.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": "coin-spin-1"})
    assert spun.status_code == 200 and spun.json["proof"]["nonce"] == FLIPS  # one stream for both games
    refused = flip(shopper, campaign, "coin-flip-late")
    assert refused.status_code == 409 and refused.json["error"] == "no_flips_left"
    assert shopper.get(f"/api/play/{campaign}/games/coin").json["view"]["flips_left"] == 0
    assert shopper.get(f"/api/play/{campaign}/games/dice").status_code == 404
    assert run(coin_app, "seeds", "rotate", "--campaign", str(campaign)).exit_code == 0
    clock.advance(seconds=1)
    path = tmp_path / "draws.jsonl"
    assert run(coin_app, "audit", "export", "--campaign", str(campaign), "--out", str(path)).exit_code == 0
    records = [json.loads(line)["record"] for line in path.read_text("utf-8").splitlines() if '"type":"draw"' in line]
    assert [r["game"] for r in records] == ["coin"] * FLIPS + ["wheel"]
    assert all(set(r["detail"]) - {"amount_fen"} == {"side"} and r["draws"][-1][0] == 2 for r in records[:FLIPS])
    result = verify(path)
    assert result.exit_code == 0 and result.stdout.startswith(f"OK: {FLIPS + 1} draws verified"), result.output
    _a_flipped_side_fails(path, records[0]["detail"]["side"])
    js = js_verdicts([path.read_text("utf-8")])[0]
    assert (
        not js.ok and js.message == f'record seq 1: game "coin" is not one this verifier knows (it knows: {JS_KNOWN})'
    )


def _a_flipped_side_fails(path: Path, side: int) -> None:
    """The first flip's side turned over, the record hashed again and the chain relinked (what a forger would
    do): the coin's replay refuses it."""
    lines = path.read_text("utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if '"type":"draw"' in line)
    path.write_text("".join(rehashed(lines, at, {"detail": {"side": 1 - side}})), "utf-8")
    result = verify(path)
    assert failed(result) and "coin side does not follow from the draw" in result.output, result.output


def test_a_game_without_an_installed_replay_is_refused_by_name(coin_app: Flask, tmp_path: Path) -> None:
    """The saved wheel export with its first record's game renamed (and rehashed): refused, naming the game."""
    saved = (Path(__file__).parent.parent / "data" / "wheel-export-2026-11.jsonl").read_text("utf-8")
    lines = saved.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if '"type":"draw"' in line)
    path = tmp_path / "dice.jsonl"
    path.write_text("".join(rehashed(lines, at, {"game": "dice"})), "utf-8")
    result = verify(path)
    assert failed(result), result.output
    known = "checkin, coin, invite, monopoly, share, tasks, wheel"
    assert f'game "dice" is not one this verifier knows (it knows: {known})' in result.output, result.output


def test_an_action_the_game_does_not_have_is_refused_before_any_draw(coin_app: Flask) -> None:
    campaign = add_campaign(coin_app, coin_and_wheel_config())
    shopper = coin_app.test_client()
    login(shopper, "no-such-action")
    refused = shopper.post(f"/api/play/{campaign}/games/coin/jump", headers={"Idempotency-Key": "coin-jump-1"})
    assert refused.status_code == 400 and refused.json["error"] == "unknown_action", refused.json
    assert flip(shopper, campaign, "coin-flip-after").json["proof"]["nonce"] == 0  # nothing was drawn


def test_an_action_that_draws_nothing_spends_an_item_each_time(coin_app: Flask) -> None:
    token = {"kind": "item", "item": "token", "count": 2}
    config = coin_and_wheel_config()
    config["pool"]["prizes"] = [
        {"key": "tokens", "name": "2 枚代币", "weight": 1_000_000_000, "reward": token},
        {"key": "thanks", "name": "谢谢参与", "weight": 1, "reward": {"kind": "nothing"}},
    ]
    config["pool"]["fallback"], config["caps"] = "thanks", []
    config["games"]["wheel"]["slots"] = ["tokens", "thanks"] * 3
    campaign = add_campaign(coin_app, config)
    shopper = coin_app.test_client()
    login(shopper, "token-user")
    assert flip(shopper, campaign, "token-flip-1").json["grants"][0]["granted"] == "tokens"
    uses = [
        shopper.post(f"/api/play/{campaign}/games/coin/use", headers={"Idempotency-Key": f"use-{n}-key"})
        for n in range(3)
    ]
    assert [use.status_code for use in uses] == [200, 200, 409]
    assert uses[0].json["proof"] is None and uses[2].json["error"] == "insufficient_items"
    assert shopper.get(f"/api/play/{campaign}/games/coin").json["view"]["items_held"] == {}
