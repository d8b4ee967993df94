// The games this verifier knows, by key: each one's step of the draw check (games/<game>/replay.py in
// JavaScript). A record of any other game is refused by name. A game whose ``picksPrize`` is false draws no
// pool pick: its records name no prize and all their integers are the game's own.
import { checkin } from "./checkin.js";
import { invite } from "./invite.js";
import { monopoly } from "./monopoly.js";
import { share } from "./share.js";
import { tasks } from "./tasks.js";
import { wheel } from "./wheel.js";

export const GAMES = new Map([checkin, invite, monopoly, share, tasks, wheel].map((game) => [game.game, game]));
