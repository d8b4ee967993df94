// The task list (做任务 赚骰子): each task with its progress, its prize and its button. 去完成 goes to the host app's
// page for it; 去浏览 starts a browsing task, counts its seconds down and reports it done (the server checks the
// time); the host's events complete the others. The server decides every completion and what it grants.

import { api, ApiError } from "../api.js";
import { GameActions } from "../actions.js";
import { el } from "../dom.js";
import { localName, t } from "../i18n.js";

const TICK_MS = 1000;

/** ``link`` when it is a web address (or a path of this site) the button may open, else null. */
function safeLink(link) {
  if (!link) return null;
  try {
    return ["http:", "https:"].includes(new URL(link, window.location.href).protocol) ? link : null;
  } catch {
    return null;
  }
}

/** The lines under a task's title: its progress toward a completion and the completions it allows. */
function progressText(task) {
  const parts = [];
  if (task.count > 1) parts.push(t("monopoly.task_progress", { progress: task.progress, count: task.count }));
  const times = { done: task.done, max: task.max_times };
  if (task.repeat === "daily") parts.push(t("monopoly.task_today", times));
  if (task.repeat === "repeatable") parts.push(t("monopoly.task_times", times));
  return parts.join(" · ");
}

export class TaskList {
  /**
   * @param {{card: HTMLElement, list: HTMLElement, note: HTMLElement}} parts the card, its list, its status line
   * @param {object} options ``base`` (the tasks API path), ``prizeName(key)``, ``onEarned(answer)`` (a completion
   *   granted something: the page loads its view again), ``onError(error)`` (show a refusal, null to clear it)
   */
  constructor(parts, { base, prizeName, onEarned, onError }) {
    Object.assign(this, parts);
    Object.assign(this, { base, prizeName, onEarned, onError });
    this.actions = new GameActions(base);
    this.view = null;
    this.browsing = null; // {key, deadline, timer}: the task this page counts down
    this.busy = null; // the task whose request is on its way
    this.noteText = null; // () => the status line in the current language
  }

  /** Load the tasks; the card stays hidden when the campaign has none. */
  async load() {
    try {
      this.view = (await api(this.base)).view;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) this.onError(error);
    }
    this.render();
  }

  render() {
    this.card.hidden = !this.view?.tasks.length;
    if (!this.view) return;
    this.list.replaceChildren(...this.view.tasks.map((task) => this.item(task)));
    this.note.textContent = this.noteText ? this.noteText() : "";
  }

  item(task) {
    const progress = progressText(task);
    return el(
      "li",
      { class: "task", "data-testid": "task", "data-task": task.key, "data-state": this.stateOf(task) },
      el(
        "div",
        { class: "task-text" },
        el("strong", { class: "task-title" }, localName(task, "title")),
        el("span", { class: "task-prize" }, t("monopoly.task_prize", { prize: this.prizeName(task.prize) })),
        progress ? el("span", { class: "task-progress", "data-testid": "task-progress" }, progress) : null,
      ),
      this.action(task),
    );
  }

  stateOf(task) {
    if (task.done >= task.max_times) return "done";
    if (this.browsing?.key === task.key) return "browsing";
    return task.browsing ? "browsed" : "todo";
  }

  /** The task's button: 已完成, the countdown, 去浏览 / 完成浏览, 去完成 (a link), or a note that it comes by itself. */
  action(task) {
    const state = this.stateOf(task);
    const attributes = { class: "small-button task-action", "data-testid": "task-action" };
    if (state === "done") return el("span", { ...attributes, class: "task-done" }, t("monopoly.task_done"));
    if (state === "browsing") {
      const left = Math.max(0, Math.ceil((this.browsing.deadline - Date.now()) / 1000));
      return el("button", { ...attributes, type: "button", disabled: "" }, t("monopoly.task_browsing", { s: left }));
    }
    if (task.client_reported) {
      const label = t(state === "browsed" ? "monopoly.task_finish" : "monopoly.task_browse");
      const button = el("button", { ...attributes, type: "button" }, label);
      button.disabled = Boolean(this.busy || this.browsing);
      button.addEventListener("click", () => (state === "browsed" ? this.finish(task) : this.start(task)));
      return button;
    }
    const link = safeLink(task.link);
    if (link) return el("a", { ...attributes, href: link }, t("monopoly.task_go"));
    return el("span", { class: "task-auto fine" }, t("monopoly.task_auto"));
  }

  /** POST ``action`` for ``task``; its answer, or null after showing the refusal. */
  async send(action, task) {
    this.busy = task.key;
    this.onError(null);
    this.render();
    try {
      const answer = await this.actions.send(action, { task: task.key });
      this.view = answer.view;
      return answer;
    } catch (error) {
      this.onError(error);
      if (error instanceof ApiError && error.status === 409) await this.load(); // e.g. done on another screen
      return null;
    } finally {
      this.busy = null;
      this.render();
    }
  }

  /** 去浏览: start browsing, then count the task's seconds down and report it done. */
  async start(task) {
    const answer = await this.send("browse_start", task);
    if (!answer) return;
    this.noteText = () => t("monopoly.task_browse_note", { s: task.seconds });
    const deadline = Date.now() + task.seconds * 1000;
    this.browsing = { key: task.key, deadline, timer: setInterval(() => this.tick(task), TICK_MS) };
    this.render();
  }

  tick(task) {
    if (Date.now() < this.browsing.deadline) return this.render();
    clearInterval(this.browsing.timer);
    this.browsing = null;
    this.finish(task);
  }

  /** Report browsing done; show what it earned and let the page load its dice. */
  async finish(task) {
    const answer = await this.send("browse_done", task);
    if (!answer) return;
    const keys = answer.grants.filter((g) => g.granted).map((g) => g.granted);
    const title = () => localName(task, "title");
    const prizes = () => keys.map((key) => this.prizeName(key)).join(t("monopoly.list_separator"));
    this.noteText = keys.length
      ? () => t("monopoly.task_earned", { title: title(), prizes: prizes() })
      : () => t("monopoly.task_finished", { title: title() });
    this.render();
    this.onEarned(answer);
  }
}
