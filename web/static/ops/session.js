// The console's sign-in gate. GET /api/session/me tells who is signed in: nobody -> the login form;
// a staff account without the ops role -> "forbidden"; ops -> the page (#app) is shown.

import { api, errorText } from "./api.js";
import { $, notice } from "./dom.js";
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
  const form = $("login-form");
  $("login").hidden = false;
  $("login-username").focus();
  return new Promise((resolve) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = $("login-submit");
      button.disabled = true;
      try {
        const body = { username: $("login-username").value.trim(), password: $("login-password").value };
        const user = await api("/api/session/staff", { method: "POST", body });
        $("login").hidden = true;
        resolve(user);
      } catch (error) {
        notice($("login-error"), errorText(error));
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
  $("user-name").textContent = user.display_name;
  $("user-role").textContent = t(`role.${user.role}`);
  $("user-box").hidden = false;
  onLanguageChange(() => ($("user-role").textContent = t(`role.${user.role}`)));
}

/**
 * Translate the page, then resolve with the signed-in ops user once there is one (after the login
 * form if needed). For other roles the "forbidden" panel is shown and the promise never resolves.
 */
export async function requireOps() {
  initI18n();
  for (const button of document.querySelectorAll("[data-sign-out]")) button.addEventListener("click", signOut);
  let user;
  try {
    user = (await whoAmI()) ?? (await signIn());
  } catch (error) {
    notice($("gate-error"), errorText(error));
    return new Promise(() => {});
  }
  showUser(user);
  if (user.role !== "ops") {
    $("forbidden").hidden = false;
    return new Promise(() => {});
  }
  $("app").hidden = false;
  return user;
}
