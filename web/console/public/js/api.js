// @ts-check
/** HTTP to our own server (sign-in, session, admin): same-origin cookies, the CSRF token on writes. */
import { state } from "./state.js";

/**
 * A state-changing request: JSON body, the session's CSRF token in x-csrf-token.
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<{ status: number, data: any }>} data is {} when the answer is not JSON
 */
export async function post(path, body = {}) {
  const res = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": state.csrfToken },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  return { status: res.status, data };
}

/**
 * A read; data is only parsed when the answer is 2xx.
 * @param {string} path
 * @returns {Promise<{ ok: true, data: any } | { ok: false, status: number }>}
 */
export async function get(path) {
  const res = await fetch(path, { credentials: "same-origin" });
  if (!res.ok) return { ok: false, status: res.status };
  return { ok: true, data: await res.json() };
}
