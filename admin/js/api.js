/* The admin API, /api/admin/*, with the owner's token. Every failure becomes an ApiError whose
 * `kind` tells the page what to say: a wrong token is not a network error, nor a server error. */

const KEY = "checkout-kit:admin-token";

export class ApiError extends Error {
  /** kind: auth | not_configured | missing_route | not_found | refused | server | network */
  constructor(kind, message, status = 0) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

// The token lives in this tab's sessionStorage only: closed tab or "Sign out" and it is gone.
export function token() {
  try { return sessionStorage.getItem(KEY) || ""; } catch { return ""; }
}

export function keep(value) {
  try { sessionStorage.setItem(KEY, value); } catch { /* storage disabled: the token lasts this page view */ }
}

export function forget() {
  try { sessionStorage.removeItem(KEY); } catch { /* nothing kept */ }
}

async function errorOf(response) {
  let code = "", message = "";
  try {
    const body = await response.json();
    code = body.error?.code || "";
    message = body.error?.message || "";
  } catch { /* not JSON: a proxy's or host's error page */ }
  const status = response.status;
  if (status === 401) return new ApiError("auth", "That is not this shop's admin token.", status);
  if (status === 403 && code === "not_configured") {
    return new ApiError("not_configured", "This shop has no ADMIN_TOKEN set: set it on your host, redeploy, then sign in.", status);
  }
  // An unknown route (an older kit) is not an unknown order.
  if (status === 404 && code === "unknown_route") return new ApiError("missing_route", message || "Not available.", status);
  if (status === 404) return new ApiError("not_found", message || "Not found.", status);
  if (status >= 500) {
    const why = status === 503 ? "is briefly unavailable (its database did not answer)" : `answered with an error (HTTP ${status})`;
    return new ApiError("server", `The shop ${why}. Try again in a minute; if it goes on, run python -m checkout_kit doctor.`, status);
  }
  return new ApiError("refused", message || `The shop refused the request (HTTP ${status}).`, status);
}

/** GET (or POST with `body`) one admin route; `as`: "json" (default) or "blob". `secret` overrides the kept token. */
export async function call(path, { body, as = "json", secret } = {}) {
  const headers = { Authorization: `Bearer ${secret ?? token()}` };
  const init = { method: "GET", headers, cache: "no-store" };
  if (body !== undefined) {
    init.method = "POST";
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/admin/${path}`, init);
  } catch {
    throw new ApiError("network", "Could not reach the shop: check your connection (or whether the site is up) and try again.");
  }
  if (!response.ok) throw await errorOf(response);
  return as === "blob" ? response.blob() : response.json();
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : "";
}
