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

/**
 * Uploads a file for a reply (POST /api/media): its bytes as they are, the name URI-encoded, the
 * CSRF token as on every write. The server judges the type by content and caps the size.
 * @param {File} file
 * @returns {Promise<{ ok: true, media: import("../../api").AttachmentInfo } | { ok: false, error: string }>}
 */
export async function uploadFile(file) {
  const res = await fetch("/api/media", {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "content-type": "application/octet-stream",
      "x-csrf-token": state.csrfToken,
      "x-file-name": encodeURIComponent(file.name),
    },
    body: file,
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 201) return { ok: true, media: data.media };
  return { ok: false, error: typeof data.error === "string" ? data.error : `HTTP ${res.status}` };
}
