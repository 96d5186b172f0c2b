// @ts-check
/**
 * The Socket.IO connection to our server, typed by its event maps, and ask(): a request that
 * waits for its acknowledgement. The client library is the classic script
 * /socket.io/socket.io.min.js (served by our own Socket.IO server, loaded before main.js), so
 * it is read from window here rather than imported.
 *
 * @typedef {import("./types.js").ClientToServerEvents} ClientToServerEvents
 * @typedef {import("./types.js").ConsoleSocket} ConsoleSocket
 */

/** @type {ConsoleSocket | undefined} */
let socket;

/** Opens the connection (the session cookie authenticates it); handlers are added by the caller. */
export function openSocket() {
  const connect = /** @type {typeof import("socket.io-client").io} */ (/** @type {any} */ (window).io);
  /** @type {ConsoleSocket} */
  const opened = connect({ transports: ["websocket", "polling"] });
  socket = opened;
  return opened;
}

/** Closes the connection, if any; safe to call again. */
export function closeSocket() {
  socket?.close();
  socket = undefined;
}

/**
 * @template {keyof ClientToServerEvents} E
 * @typedef {Parameters<ClientToServerEvents[E]> extends [...infer A, any] ? A : never} RequestArgs
 */
/**
 * @template {keyof ClientToServerEvents} E
 * @typedef {Parameters<ClientToServerEvents[E]> extends [...any[], (result: infer R) => void] ? R : never} Reply
 */

/**
 * Send a request (typed by the server's event map) and wait for its acknowledgement; no
 * connection or no answer in 15 s is { ok: false, error: "failed" }.
 * @template {keyof ClientToServerEvents} E
 * @param {E} event
 * @param {RequestArgs<E>} args
 * @returns {Promise<Reply<E> | { ok: false, error: "failed" }>}
 */
export function ask(event, ...args) {
  return new Promise((resolve) => {
    if (!socket) return resolve({ ok: false, error: "failed" });
    /** @type {any} */ (socket.timeout(15000)).emit(
      event,
      ...args,
      /** @param {Error | null} err @param {Reply<E>} result */ (err, result) =>
        resolve(err ? { ok: false, error: "failed" } : result),
    );
  });
}
