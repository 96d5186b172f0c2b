// @ts-check
/** Signing in and out: the login form (429 means too many attempts), and the sign-out button. */
import { post } from "../api.js";
import { $, field } from "../dom.js";
import { t } from "../i18n.js";
import { closeSocket } from "../socket.js";
import { state } from "../state.js";

/** Back to the login form (never signed in, or the session ended): the socket is closed. */
export function showLogin() {
  closeSocket();
  $("app-view").hidden = true;
  $("logout").hidden = true;
  $("me").textContent = "";
  $("login-view").hidden = false;
  $("login-username").focus();
}

/**
 * Wires the login form and the sign-out button (once, at boot).
 * @param {(me: import("../types.js").Me, csrfToken: string) => void} signedIn
 */
export function initLogin(signedIn) {
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    const { status, data } = await post("/api/login", {
      username: field("login-username").value,
      password: field("login-password").value,
    });
    if (status === 200) {
      field("login-password").value = "";
      if (typeof data.timeZone === "string") state.timeZone = data.timeZone;
      signedIn(data.me, data.csrfToken);
    } else $("login-error").textContent = status === 429 ? t("tooMany") : t("wrongLogin");
  });

  $("logout").addEventListener("click", async () => {
    await post("/api/logout");
    location.reload();
  });
}
