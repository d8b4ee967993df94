// "Verify an export file": a file dropped or chosen (or the campaign's export fetched from the server) is
// streamed through verifyExport line by line, with a progress bar, then the verdict and, per period, its draws
// and whether it verified (or failed, and on which line), each with a sentence saying why. The failure's reason
// is shown once, in the page's language (the verifier's English words folded away beside it when they differ).

import { $, el, fill } from "../ops/dom.js";
import { errorText } from "./api.js";
import { count, markText, shortHash, size } from "./format.js";
import { t } from "./i18n.js";
import { streamLines } from "./stream.js";
import { verdictText } from "./verdict-text.js";
import { CheckpointsError, readCheckpoints, verifyExport, verifyFile } from "./verifier.js";

let last = null; // the last verdict, drawn again on a language switch
let lastProgress = null;
let runs = 0; // only the latest run shows its progress and verdict

function progress(bytes, total, line, draws) {
  lastProgress = [bytes, total, line, draws];
  $("progress").hidden = false;
  $("progress-fill").style.width = total ? `${Math.min(100, (100 * bytes) / total)}%` : "100%";
  const read = total
    ? t("file.read_of", { read: size(bytes), total: size(total) })
    : t("file.read", { read: size(bytes) });
  $("progress-text").textContent = t("file.progress", { read, line: count(line), draws: count(draws) });
}

const PERIOD_MARKS = { verified: ["pass", true], failed: ["fail", false], unverified: ["none", null] };

/** Why a period verified or failed (an unverified period's status says why already). */
function periodWhy(status, draws, line) {
  if (status === "unverified") return null;
  const text = t(`file.why.${status}`, { n: count(draws), line });
  return el("div", { class: "why", "data-testid": "why" }, text);
}

/** One row per period: its draws verified and whether it verified, failed (on which line) or was not reached. */
function periodsTable(verdict) {
  const line = verdict.error?.line;
  const rows = (verdict.periodResults ?? []).map(({ key, draws, status }) =>
    el(
      "tr",
      { "data-testid": "verdict-period", "data-key": key, "data-status": status },
      el("td", { class: "mono" }, key),
      el("td", { class: "num" }, count(draws)),
      el(
        "td",
        {},
        el(
          "span",
          { "data-testid": "verdict-period-status" },
          el("span", { class: `mark mark-${PERIOD_MARKS[status][0]}` }, markText(PERIOD_MARKS[status][1])),
          ` ${t(`file.period_${status}`, { line })}`,
        ),
        periodWhy(status, draws, line),
      ),
    ),
  );
  return el(
    "table",
    { class: "grid-table compact verdict-periods", "data-testid": "verdict-periods" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", {}, t("file.period")),
        el("th", { class: "num" }, t("file.draws")),
        el("th", {}, t("file.period_result")),
      ),
    ),
    el("tbody", {}, ...rows),
  );
}

function headline(verdict) {
  if (verdict.ok) return t("file.ok", { draws: count(verdict.draws), head: shortHash(verdict.headHash, 16) });
  const { line, period } = verdict.error ?? {};
  if (!line) return t("file.unverified");
  return period ? t("file.failed_in", { line, period }) : t("file.failed", { line });
}

/**
 * Why the file failed, once, in the page's language; below it, folded, the verifier's own words (as
 * ``carnival audit verify`` prints them) when they read differently.
 */
function failure(verdict) {
  if (verdict.ok) return null;
  const { line, message, cause } = verdict.error ?? {};
  const reason = verdictText(cause ? errorText(cause) : message);
  const original = line ? `line ${line}: ${message}` : message;
  const folded =
    message && reason !== message
      ? el(
          "details",
          { class: "original" },
          el("summary", { class: "small muted" }, t("file.original")),
          el("p", { class: "muted small mono", "data-testid": "verdict-message" }, original),
        )
      : null;
  return el("div", {}, el("p", { "data-testid": "verdict-reason" }, reason), folded);
}

function renderVerdict() {
  const box = $("verdict");
  box.hidden = !last;
  if (!last) return;
  const { verdict, name } = last;
  const { line } = verdict.error ?? {};
  fill(
    box,
    el(
      "div",
      {
        class: `notice notice-${verdict.ok ? "ok" : "error"}`,
        "data-testid": "verdict-status",
        "data-ok": String(verdict.ok),
      },
      headline(verdict),
    ),
    failure(verdict),
    el(
      "dl",
      { class: "kv" },
      el("dt", {}, t("file.name")),
      el("dd", {}, name),
      el("dt", {}, verdict.ok ? t("file.verified") : t("file.verified_before")),
      el("dd", { "data-testid": "verdict-draws" }, String(verdict.draws)),
      el("dt", {}, t("file.head")),
      el("dd", { class: "mono break", "data-testid": "verdict-head" }, verdict.headHash),
      el("dt", {}, t("file.line")),
      el("dd", { "data-testid": "verdict-line" }, line ? String(line) : "–"),
      el("dt", {}, t("file.checkpoints_checked")),
      el("dd", {}, String(verdict.checkpoints)),
    ),
    periodsTable(verdict),
  );
}

/** The saved checkpoints chosen (none: []), read strictly. :throws Error naming the file, as the CLI does */
async function savedCheckpoints() {
  const file = $("checkpoints-file").files[0];
  if (!file) return [];
  try {
    return readCheckpoints(new Uint8Array(await file.arrayBuffer()));
  } catch (error) {
    if (error instanceof CheckpointsError) throw new Error(`cannot read checkpoints ${file.name}: ${error.message}`);
    throw error;
  }
}

/**
 * A verdict for a file that could not be verified at all (unreadable saved checkpoints, a failed download);
 * the ``cause`` is kept so its text follows the page's language.
 */
function unverified(cause) {
  const error = { line: 0, message: String(cause?.message ?? cause), cause };
  return { ok: false, draws: 0, headHash: "", periods: {}, periodResults: [], checkpoints: 0, error };
}

/** Run ``verify(checkpoints, report)``, showing its progress and then its verdict unless a later run started. */
async function check(name, verify) {
  const run = ++runs;
  const report = (bytes, total, line, draws) => run === runs && progress(bytes, total, line, draws);
  last = null;
  showOutcome("");
  renderVerdict();
  report(0, 0, 0, 0);
  let verdict;
  try {
    verdict = await verify(await savedCheckpoints(), report);
  } catch (error) {
    verdict = unverified(error);
  }
  if (run === runs) {
    last = { name, verdict };
    showOutcome(verdict.ok ? "good" : "bad");
    renderVerdict();
  }
}

/** Colour the progress bar by the outcome: ``good`` (green), ``bad`` (red) or "" while running. */
function showOutcome(outcome) {
  $("progress-fill").parentElement.className = outcome ? `meter ${outcome}` : "meter";
  $("progress").dataset.outcome = outcome;
}

function checkFile(file) {
  $("file-name").textContent = `${file.name} · ${size(file.size)}`;
  return check(file.name, (checkpoints, report) =>
    verifyFile(file, { checkpoints, onProgress: (p) => report(p.bytes, p.total, p.line, p.draws) }),
  );
}

async function checkServerExport(campaignId) {
  const path = `/api/audit/campaigns/${campaignId}/export`;
  return check(path, async (checkpoints, report) => {
    const response = await fetch(path, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    let bytes = 0;
    const lines = streamLines(response.body, { onBytes: (n) => (bytes = n) });
    return verifyExport(lines, { checkpoints, onProgress: (p) => report(bytes, 0, p.line, p.draws) });
  });
}

/** Wire the drop zone, the file input and the server-export button; ``campaignId()`` is the campaign on screen. */
export function initExportCheck(campaignId) {
  const input = $("export-file");
  const zone = $("drop-zone");
  input.addEventListener("change", () => {
    const file = input.files[0];
    input.value = ""; // choosing the same file again verifies it again
    if (file) checkFile(file);
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (event.dataTransfer.files[0]) checkFile(event.dataTransfer.files[0]);
  });
  $("verify-server-export").addEventListener("click", () => checkServerExport(campaignId()));
}

/** Draw the last verdict again (after a language switch). */
export function redrawExportCheck() {
  if (lastProgress) progress(...lastProgress);
  renderVerdict();
}
