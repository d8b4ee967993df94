// The sign-in gate of the auditors' page. GET /api/session/me tells who is signed in: nobody -> the login
// form (staff sign in through POST /api/session/staff); another role -> "forbidden"; an auditor -> the page.

import { $ } from "../ops/dom.js";
import { api } from "./api.js";
import { showError } from "./error-notice.js";
import { initI18n, onLanguageChange, t } from "./i18n.js";

async function whoAmI() {
  try {
    return await api("/api/session/me");
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
}

function signIn() {
  $("login").hidden = false;
  $("login-username").focus();
  return new Promise((resolve) => {
    $("login-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = $("login-submit");
      button.disabled = true;
      try {
        const body = { username: $("login-username").value.trim(), password: $("login-password").value };
        const user = await api("/api/session/staff", { method: "POST", body });
        showError($("login-error"), null);
        $("login").hidden = true;
        resolve(user);
      } catch (error) {
        showError($("login-error"), error);
      } finally {
        button.disabled = false;
      }
    });
  });
}

async function signOut() {
  await api("/api/session/logout", { method: "POST" }).catch(() => null);
  window.location.reload();
}

function showUser(user) {
  const role = () => ($("user-role").textContent = t(`role.${user.role}`));
  $("user-name").textContent = user.display_name;
  role();
  $("user-box").hidden = false;
  onLanguageChange(role);
}

/**
 * Translate the page, then resolve with the signed-in auditor (after the login form if needed). For other
 * roles the "forbidden" panel is shown and the promise never resolves.
 */
export async function requireAuditor() {
  initI18n();
  for (const button of document.querySelectorAll("[data-sign-out]")) button.addEventListener("click", signOut);
  let user;
  try {
    user = (await whoAmI()) ?? (await signIn());
  } catch (error) {
    showError($("gate-error"), error);
    return new Promise(() => {});
  }
  showUser(user);
  if (user.role !== "auditor") {
    $("forbidden").hidden = false;
    return new Promise(() => {});
  }
  $("app").hidden = false;
  return user;
}
