"""What the rules page says of the board (each tile's reward and its exact landing chance, the cards, laps, props)
and what a new version of a running board may not make worse."""

from __future__ import annotations

from fractions import Fraction

from games.engine.contract import RuleLine
from games.fairness.pools import Pool
from games.monopoly.config import Card, MonopolyConfig, Tile
from games.monopoly.odds import landing_odds

Change = tuple[str, str]
ITEM_NAMES = {
    "dice": ("骰子", "die"),
    "remote_dice": ("遥控骰子", "remote-control die"),
    "double_card": ("双倍卡", "double card"),
}


def item_name(item: str) -> tuple[str, str]:
    """An item's Chinese and English name on the rules page (its key when it is not one of the board's own)."""
    return ITEM_NAMES.get(item, (item, item))


CARD_WORDS = {
    "move": ("前进{n}步", "move {n} forward"),
    "back": ("后退{n}步", "move {n} back"),
    "double": ("下一次奖励翻倍", "the next reward is doubled"),
    "free_roll": ("再掷一次（返还1个骰子）", "a free roll (a die back)"),
}


def rules_lines(config: MonopolyConfig, pool: Pool) -> list[RuleLine]:
    """How a roll works, each tile with its reward and landing chance, the draw pools and cards with their odds,
    the lap rewards and the props."""
    names = {p.key: (p.name, p.name_en or p.name) for p in pool.prizes}
    lines = [
        RuleLine(
            f"每次掷骰消耗1个「{item_name(config.dice_item)[0]}」，掷{config.dice}颗骰子（公平随机数，可验证），前进点数之和",
            f"Each roll takes one {item_name(config.dice_item)[1]} and rolls {config.dice} die/dice (fair, verifiable"
            " draws)",
        ),
        RuleLine(
            f"下列落点概率为前{config.odds_rolls}次掷骰的每次平均值，按全部点数与机会卡精确计算",
            f"Landing chances below are per roll over the first {config.odds_rolls} rolls, computed exactly",
        ),
    ]
    odds = landing_odds(config, config.odds_rolls)
    lines += [_tile_line(index, tile, odds[index], names) for index, tile in enumerate(config.tiles)]
    lines += [_card_line(card, config, names) for card in config.cards]
    lines += _lap_lines(config, names)
    if config.remote_item:
        zh, en = item_name(config.remote_item)
        lines.append(RuleLine(f"「{zh}」：自选本次点数（每颗骰子1至6）", f"{en}: choose the roll (1 to 6 a die)"))
    if config.double_item:
        lines.append(
            RuleLine(
                f"「{item_name(config.double_item)[0]}」：本次落点奖励翻倍（用了就算，落在无奖励的格子也会用掉）",
                f"{item_name(config.double_item)[1]}: this roll's landing rewards doubled (used even where a tile"
                " gives nothing)",
            )
        )
    return lines


def _percent(chance: Fraction) -> str:
    return f"{float(chance) * 100:.2f}%"


def _tile_line(index: int, tile: Tile, chance: Fraction, names: dict[str, tuple[str, str]]) -> RuleLine:
    zh, en = _tile_reward(tile, names)
    where = f"第{index + 1}格「{tile.name}」"
    return RuleLine(
        f"{where}：{zh}；每次掷骰落在此格的概率 {_percent(chance)}",
        f"Tile {index + 1} “{tile.name_en or tile.name}”: {en}; landing chance per roll {_percent(chance)}",
    )


def _tile_reward(tile: Tile, names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    if tile.kind == "points":
        return f"{tile.points}积分", f"{tile.points} points"
    if tile.kind == "prize" and tile.prize:
        zh, en = names.get(tile.prize, (tile.prize, tile.prize))
        return f"「{zh}」", en
    if tile.kind == "draw":
        total = tile.total_weight
        zh = "、".join(
            f"「{names.get(d.prize, (d.prize,))[0]}」{_percent(Fraction(d.weight, total))}" for d in tile.draws
        )
        en = ", ".join(
            f"{names.get(d.prize, ('', d.prize))[1]} {_percent(Fraction(d.weight, total))}" for d in tile.draws
        )
        return f"抽奖：{zh}", f"a draw: {en}"
    if tile.kind == "chance":
        return "抽一张机会卡", "a chance card"
    if tile.kind == "start":
        return "起点（经过记一圈）", "the start (passing it counts a lap)"
    return "休息", "rest"


def _card_line(card: Card, config: MonopolyConfig, names: dict[str, tuple[str, str]]) -> RuleLine:
    chance = _percent(Fraction(card.weight, config.card_weight))
    if card.kind == "prize" and card.prize:
        zh, en = names.get(card.prize, (card.prize, card.prize))
        zh, en = f"得「{zh}」", f"get {en}"
    else:
        key = "back" if card.kind == "move" and card.steps < 0 else card.kind
        zh, en = (text.format(n=abs(card.steps)) for text in CARD_WORDS[key])
    return RuleLine(
        f"机会卡「{card.name}」（{chance}）：{zh}", f"Chance card “{card.name_en or card.name}” ({chance}): {en}"
    )


def _lap_lines(config: MonopolyConfig, names: dict[str, tuple[str, str]]) -> list[RuleLine]:
    lines = []
    if config.lap_prize:
        zh, en = names.get(config.lap_prize, (config.lap_prize, config.lap_prize))
        lines.append(RuleLine(f"每走完一圈得「{zh}」", f"Each lap completed grants {en}"))
    for milestone in config.lap_milestones:
        zh, en = names.get(milestone.prize, (milestone.prize, milestone.prize))
        lines.append(RuleLine(f"累计{milestone.laps}圈得「{zh}」", f"{milestone.laps} laps grant {en}"))
    return lines


def worse_changes(before: MonopolyConfig, after: MonopolyConfig) -> list[Change]:
    """Why ``after`` is worse for shoppers: the tiles changed (their order, kinds, rewards or draw odds move every
    disclosed chance), a card's odds or effect changed, a lap reward or milestone removed or made harder, a prop
    withdrawn. A new version may add cards only if the board is otherwise the same."""
    found: list[Change] = []
    if after.tiles != before.tiles:
        found.append(("tiles", "the board's tiles would change (their rewards and landing chances are disclosed)"))
    if after.cards != before.cards:
        found.append(("cards", "the chance cards would change (their odds and effects are disclosed)"))
    if before.lap_prize and after.lap_prize != before.lap_prize:
        found.append(("lap_prize", f"each lap would no longer grant {before.lap_prize}"))
    kept = {(m.laps, m.prize) for m in after.lap_milestones}
    found += [
        ("lap_milestones", f"the {m.laps}-lap milestone would change or go")
        for m in before.lap_milestones
        if (m.laps, m.prize) not in kept
    ]
    for prop in ("remote_item", "double_item"):
        if getattr(before, prop) and getattr(after, prop) != getattr(before, prop):
            found.append((prop, f"the prop {getattr(before, prop)} would be withdrawn"))
    return found
