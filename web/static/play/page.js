// Pages without data of their own (demo sign-in, error): translate them and wire the language switch.
// An element with data-error-code shows our translation of a known code instead of the server's text.

import { has, initI18n, onLanguageChange, t } from "./i18n.js";

function translateErrors() {
  for (const element of document.querySelectorAll("[data-error-code]")) {
    element.dataset.serverText ??= element.textContent;
    const key = `error.${element.dataset.errorCode}`;
    element.textContent = has(key) ? t(key) : element.dataset.serverText;
  }
}

initI18n();
translateErrors();
onLanguageChange(translateErrors);
