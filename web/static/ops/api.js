// JSON over fetch. An error answer {"error", "message", "fields"?} becomes an ApiError.

import { has, t } from "./i18n.js";
import { localize } from "./server-text.js";
import { newIdempotencyKey } from "../shared/idempotency.js";

/** A refusal answered by the server; ``fields`` maps dotted field paths to messages. */
export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields ?? {};
  }
}

/**
 * Fetch ``path`` as JSON; a write carries a fresh Idempotency-Key (the server answers a repeat of it with
 * the first answer). :throws ApiError on an error answer, TypeError on a network failure.
 */
export async function api(path, { method = "GET", body } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (method !== "GET") init.headers["Idempotency-Key"] = newIdempotencyKey();
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(
      response.status,
      data?.error ?? `http_${response.status}`,
      data?.message ?? response.statusText,
      data?.fields,
    );
  }
  return data;
}

/** What to tell the user about ``error``: our text for a known code, else the server's message, localized. */
export function errorText(error) {
  if (!(error instanceof ApiError)) return t("error.network");
  return has(`error.${error.code}`) ? t(`error.${error.code}`) : localize(error.message);
}
