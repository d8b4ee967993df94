// The editor's header (status, version, revision, versions) and the audience inputs.

import { $, el } from "./dom.js";
import { count, dateTime } from "./format.js";
import { localName, t } from "./i18n.js";
import { showLifecycle } from "./lifecycle.js";

/** The editor's header: title, status, version, draft revision, which actions apply, the versions. */
export function renderHead(detail, body, revision) {
  const { campaign, draft, versions } = detail;
  $("campaign-title").textContent = localName(body) || campaign.name;
  showLifecycle($("campaign-status"), campaign);
  $("campaign-version").textContent = campaign.version_hash
    ? campaign.version_hash.slice(0, 12)
    : t("editor.unpublished");
  $("campaign-revision").textContent = t("editor.revision", {
    n: revision,
    who: draft.updated_by,
    at: dateTime(draft.updated_at),
  });
  const over = campaign.lifecycle === "ended";
  $("pause").hidden = over || campaign.status !== "active";
  $("resume").hidden = over || campaign.status !== "paused";
  $("rules-link").hidden = !campaign.version_hash;
  renderVersions(versions);
}

function renderVersions(versions) {
  $("versions").replaceChildren(
    versions.length
      ? el(
          "ol",
          { class: "version-list" },
          [...versions]
            .reverse()
            .map((v) =>
              el(
                "li",
                { "data-testid": "version" },
                el("span", { class: "mono" }, v.hash.slice(0, 16)),
                el("span", { class: "muted" }, dateTime(v.created_at)),
                v.current ? el("span", { class: "badge badge-ok" }, t("editor.current")) : null,
              ),
            ),
        )
      : el("p", { class: "muted" }, t("editor.no_versions")),
  );
}

/**
 * The audience inputs (players a day x draws a player x days) that the odds and the simulation use;
 * ``onChange()`` after each edit of ``audience`` (changed in place).
 */
export function renderAudience(audience, onChange) {
  const a = audience;
  const input = (key, testid) =>
    el("input", {
      type: "number",
      min: 1,
      step: 1,
      value: a[key],
      "data-testid": testid,
      oninput: (e) => {
        a[key] = Math.max(1, Math.floor(Number(e.target.value) || 1));
        $("audience-total").textContent = count(a.players * a.draws * a.days);
        onChange();
      },
    });
  $("audience").replaceChildren(
    el(
      "label",
      { class: "inline-field" },
      el("span", { class: "mini-label" }, t("audience.players")),
      input("players", "audience-players"),
    ),
    el("span", { class: "times" }, "×"),
    el(
      "label",
      { class: "inline-field" },
      el("span", { class: "mini-label" }, t("audience.draws")),
      input("draws", "audience-draws"),
    ),
    el("span", { class: "times" }, "×"),
    el(
      "label",
      { class: "inline-field" },
      el("span", { class: "mini-label" }, t("audience.days")),
      input("days", "audience-days"),
    ),
    el("span", { class: "times" }, "="),
    el(
      "span",
      { class: "audience-total" },
      el("strong", { id: "audience-total" }, count(a.players * a.draws * a.days)),
      ` ${t("audience.draws_total")}`,
    ),
  );
}
