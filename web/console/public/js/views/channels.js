// @ts-check
/**
 * The channels' session state, in the admin tab (admins only; the server sends it only to them):
 * state and since when, the reason of a disconnect, and while WhatsApp waits to be paired the
 * QR code (an image the server drew, a data URL) and the pairing code. Live: "channel:status".
 */
import { $, el } from "../dom.js";
import { errorText, t } from "../i18n.js";
import { ask } from "../socket.js";
import { dateTime } from "../time.js";

/** @typedef {import("../types.js").ChannelStatusView} ChannelStatusView */

/** @type {Map<string, ChannelStatusView>} */
const channels = new Map();

/** @param {string} state e.g. needs_pairing → channelNeedsPairing */
const stateText = (state) => t("channel" + state.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase()));

/** @param {ChannelStatusView} c */
function channelItem(c) {
  const item = el(
    "li",
    { className: `channel ${c.state}` },
    el("strong", { text: c.channel }),
    ` · ${stateText(c.state)}`,
    c.since ? ` · ${t("channelSince")} ${dateTime(c.since)}` : "",
    c.reason ? ` (${c.reason})` : "",
  );
  if (c.qrImage) {
    const img = /** @type {HTMLImageElement} */ (el("img", { className: "qr" }));
    img.src = c.qrImage;
    img.alt = "QR";
    img.width = 264;
    img.height = 264;
    item.append(el("p", { text: t("channelScanQr") }), img);
  }
  if (c.pairingCode)
    item.append(
      el("p", { text: t("channelPairingCode") }),
      el("code", { className: "pairing", text: c.pairingCode }),
    );
  if (c.state === "needs_pairing") item.append(pairForm(c.channel));
  return item;
}

/** @type {Map<string, HTMLFormElement>} kept across renders: a QR refresh must not wipe a number being typed */
const forms = new Map();

/** Pairing by a code typed on the phone, instead of scanning. @param {string} channel */
function pairForm(channel) {
  const kept = forms.get(channel);
  if (kept) return kept;
  const form = /** @type {HTMLFormElement} */ (el("form", { className: "inline" }));
  const phone = /** @type {HTMLInputElement} */ (el("input"));
  phone.placeholder = t("channelPairPhone");
  phone.required = true;
  phone.maxLength = 20;
  phone.inputMode = "tel";
  const result = el("span", { className: "muted" });
  form.append(phone, " ", el("button", { text: t("channelPairButton") }), " ", result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const r = await ask("channel:pair", { channel, phone: phone.value });
    result.textContent = r.ok ? t("channelPairAsked") : errorText(r.error);
  });
  forms.set(channel, form);
  return form;
}

function render() {
  $("channel-list").replaceChildren(...[...channels.values()].map(channelItem));
}

/** A pushed state (admins only). @param {ChannelStatusView} status */
export function showChannel(status) {
  channels.set(status.channel, status);
  render();
}

/** Reads every channel's state again (the admin tab opened, a reconnect). */
export async function loadChannels() {
  const res = await ask("channel:list");
  if (!res.ok) return;
  channels.clear();
  for (const c of res.channels) channels.set(c.channel, c);
  render();
}
