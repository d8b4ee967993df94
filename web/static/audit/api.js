// JSON over fetch for the auditors' page. An error answer {"error", "message"} becomes an ApiError.

import { has, t } from "./i18n.js";

/** A refusal answered by the server. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GET (or ``method``) ``path`` as JSON. :throws ApiError on an error answer, TypeError on a network failure. */
export async function api(path, { method = "GET", body } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data?.error ?? `http_${response.status}`, data?.message ?? "");
  return data;
}

/** What to tell the user about ``error``: our text for a known code, else the server's (or the error's) message. */
export function errorText(error) {
  if (error instanceof ApiError) return has(`error.${error.code}`) ? t(`error.${error.code}`) : error.message;
  return error instanceof TypeError ? t("error.network") : String(error.message ?? error);
}
