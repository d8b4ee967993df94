// The auditors' page in two languages, like the ops console: Chinese by default, the choice shared with
// the other pages (localStorage "carnival.lang"). Elements with data-i18n="key" get their text from
// messages.js; the rest re-renders through onLanguageChange().

import { MESSAGES } from "./messages.js";

const STORE_KEY = "carnival.lang";
const listeners = [];
let lang = readStored();

function readStored() {
  try {
    return localStorage.getItem(STORE_KEY) === "en" ? "en" : "zh";
  } catch {
    return "zh";
  }
}

/** The current language: "zh" or "en". */
export function currentLang() {
  return lang;
}

/** True when the dictionary has ``key``. */
export function has(key) {
  return key in MESSAGES[lang] || key in MESSAGES.zh;
}

/** The text of ``key`` in the current language, {name} placeholders filled from ``params``. */
export function t(key, params = {}) {
  const text = MESSAGES[lang][key] ?? MESSAGES.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** ``item.name`` or, in English, ``item.name_en`` when there is one. */
export function localName(item) {
  return (lang === "en" && item?.name_en) || item?.name || "";
}

/** Call ``listener(lang)`` after every language switch. */
export function onLanguageChange(listener) {
  listeners.push(listener);
}

function applyStatic() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  const title = document.querySelector("[data-i18n-title]");
  if (title) document.title = `${t(title.dataset.i18nTitle)} · ${t("app.title")}`;
}

function setLang(next) {
  lang = next;
  try {
    localStorage.setItem(STORE_KEY, next);
  } catch {
    // the switch still works on this page
  }
  applyStatic();
  for (const listener of listeners) listener(lang);
}

/** Translate the page and wire the language switch (elements with data-lang-switch). */
export function initI18n() {
  applyStatic();
  for (const button of document.querySelectorAll("[data-lang-switch]")) {
    button.addEventListener("click", () => setLang(lang === "zh" ? "en" : "zh"));
  }
}
