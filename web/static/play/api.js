// JSON over fetch, with the API's error document {"error": code, "message": text} as an ApiError.

import { has, t } from "./i18n.js";

export { newIdempotencyKey } from "../shared/idempotency.js";

/** A refusal answered by the server (4xx/5xx with a JSON error document). */
export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields ?? {};
  }
}

/** Fetch ``path`` as JSON. :throws ApiError on an error answer, TypeError on a network failure. */
export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => null);
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

/** The text to show for ``error``: our translation of a known code, else the server's own message. */
export function errorText(error) {
  if (!(error instanceof ApiError)) return t("error.network");
  return has(`error.${error.code}`) ? t(`error.${error.code}`) : error.message;
}

