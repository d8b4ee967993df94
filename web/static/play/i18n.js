// The shopper pages' two languages. Chinese is the default; the choice is kept in localStorage.
// Elements with data-i18n="key" get their text from the dictionary; pages re-render the rest
// through onLanguageChange().

import { MESSAGES as DICT } from "./messages.js";

const STORE_KEY = "carnival.lang";

let lang = readStored();
const listeners = [];

function readStored() {
  const asked = new URLSearchParams(window.location.search).get("lang"); // the host app may open ?lang=en
  try {
    if (asked === "en" || asked === "zh") localStorage.setItem(STORE_KEY, asked);
    return localStorage.getItem(STORE_KEY) === "en" ? "en" : "zh";
  } catch {
    return asked === "en" ? "en" : "zh"; // storage can be disabled in some web views
  }
}

/** The current language: "zh" or "en". */
export function currentLang() {
  return lang;
}

/** True when the dictionary has ``key``. */
export function has(key) {
  return key in DICT[lang];
}

/** The text of ``key`` in the current language, with {name} placeholders filled from ``params``. */
export function t(key, params = {}) {
  const text = DICT[lang][key] ?? DICT.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** ``item[field]`` or, in English, ``item[field + "_en"]`` when the server gave one. */
export function localName(item, field = "name") {
  return (lang === "en" && item[`${field}_en`]) || item[field];
}

/** Call ``listener(lang)`` after every language switch. */
export function onLanguageChange(listener) {
  listeners.push(listener);
}

function applyStatic() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  const title = document.querySelector("[data-i18n-title]");
  if (title) document.title = `${t(title.dataset.i18nTitle)} · ${t("app.title")}`;
}

function setLang(next) {
  lang = next;
  try {
    localStorage.setItem(STORE_KEY, next);
  } catch {
    // the switch still works for this page
  }
  applyStatic();
  for (const listener of listeners) listener(lang);
}

/** Translate the page and wire the language switch (any element with data-lang-switch). */
export function initI18n() {
  applyStatic();
  for (const button of document.querySelectorAll("[data-lang-switch]")) {
    button.addEventListener("click", () => setLang(lang === "zh" ? "en" : "zh"));
  }
}
