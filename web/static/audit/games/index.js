// The games this verifier knows, by key: each one's step of the draw check (games/<game>/replay.py in
// JavaScript). A record of any other game is refused by name.
import { wheel } from "./wheel.js";

export const GAMES = new Map([[wheel.game, wheel]]);
