// "Verify one draw": by seq (the page streams the campaign's export and takes the record, the config it
// names, its period and the hash of the record before it) or from a pasted record, config and revealed
// seed. Either way the steps come from explainDraw (verifier.js), computed in this browser.

import { $, notice } from "../ops/dom.js";
import { ApiError, errorText } from "./api.js";
import { t } from "./i18n.js";
import { JSONDecodeError, loads, parse, quote } from "./pyjson.js";
import { renderSteps } from "./steps.js";
import { streamLines } from "./stream.js";
import { explainDraw, GENESIS, isBlank } from "./verifier.js";

let last = null; // the last outcome ({result}, {failure: [key, params]} or {error}), drawn again on a language switch
let runs = 0; // only the latest run shows its outcome

/** The record ``seq`` of a campaign's export with its config, period and the hash of the record before it. */
async function fromExport(campaignId, seq) {
  const response = await fetch(`/api/audit/campaigns/${campaignId}/export`, { credentials: "same-origin" });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw new ApiError(response.status, data.error ?? `http_${response.status}`, data.message ?? "");
  }
  const configs = new Map();
  const periods = new Map();
  let previous = GENESIS;
  for await (const line of streamLines(response.body)) {
    const item = isBlank(line) ? null : loads(line);
    const type = item instanceof Map ? item.get("type") : null;
    if (type === "config") configs.set(item.get("hash"), item.get("config"));
    else if (type === "period") periods.set(item.get("key"), item);
    else if (type === "draw") {
      const record = item.get("record");
      if (record.get("seq") === seq) {
        return {
          record,
          config: configs.get(record.get("config_hash")),
          period: periods.get(record.get("period")),
          previous,
        };
      }
      previous = record.get("hash");
    }
  }
  return null;
}

/** A member name pasted twice in one object: refused, as the export's verifiers refuse it. */
class RepeatedMember extends Error {}

/** A pasted object, or the member ``key`` of a pasted export line of ``type`` (a draw or config line). */
function unwrap(text, type, key) {
  const { value, repeated } = parse(text.trim());
  if (repeated !== null) throw new RepeatedMember(quote(repeated));
  return value instanceof Map && value.get("type") === type ? value.get(key) : value;
}

function render() {
  $("draw-result").hidden = !last;
  if (!last) return;
  if (last.result) {
    renderSteps($("draw-steps"), $("draw-summary"), last.result);
    return;
  }
  $("draw-steps").replaceChildren();
  notice($("draw-summary"), last.failure ? t(...last.failure) : errorText(last.error)); // in the language shown
}

async function bySeq(campaignId) {
  const seq = Number($("draw-seq").value);
  const found = await fromExport(campaignId, seq);
  if (!found) return { failure: ["draw.not_found", { seq }] };
  if (!found.config || !found.period) return { failure: ["draw.no_config", { seq }] };
  return { result: await explainDraw(found.record, found.config, found.period, { previousHash: found.previous }) };
}

async function byPaste() {
  const record = unwrap($("paste-record").value, "draw", "record");
  const config = unwrap($("paste-config").value, "config", "config");
  const period = new Map([["server_seed", $("paste-seed").value.trim()]]);
  const previousHash = $("paste-previous").value.trim() || undefined;
  return { result: await explainDraw(record, config, period, { previousHash }) };
}

async function run(form, task) {
  const token = ++runs;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  let outcome;
  try {
    outcome = await task();
  } catch (error) {
    if (error instanceof JSONDecodeError) outcome = { failure: ["draw.bad_json", { why: error.message }] };
    else if (error instanceof RepeatedMember) outcome = { failure: ["draw.repeated_member", { name: error.message }] };
    else outcome = { error };
  } finally {
    button.disabled = false;
  }
  if (token === runs) {
    last = outcome;
    render();
  }
}

function selectTab(name) {
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.classList.toggle("active", tab.dataset.tab === name);
    $(tab.dataset.tab).hidden = tab.dataset.tab !== name;
  }
}

/** Wire the two forms; ``campaignId()`` is the campaign on screen. */
export function initDrawCheck(campaignId) {
  for (const tab of document.querySelectorAll("[data-tab]"))
    tab.addEventListener("click", () => selectTab(tab.dataset.tab));
  $("by-seq").addEventListener("submit", (event) => {
    event.preventDefault();
    run(event.target, () => bySeq(campaignId()));
  });
  $("by-paste").addEventListener("submit", (event) => {
    event.preventDefault();
    run(event.target, byPaste);
  });
}

/** Draw the last outcome again (after a language switch); forget it when ``clear`` (another campaign). */
export function redrawDrawCheck(clear = false) {
  if (clear) {
    runs += 1;
    last = null;
  }
  render();
}
