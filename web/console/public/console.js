// @ts-check
/**
 * The librarian console page. Plain JavaScript, no bundler; type-checked against the server's
 * event maps (../events.ts) with `npm run typecheck`. Every piece of patron (or staff) text is
 * put in the page with textContent, never as HTML.
 *
 * @typedef {import("../events").ServerToClientEvents} ServerToClientEvents
 * @typedef {import("../events").ClientToServerEvents} ClientToServerEvents
 * @typedef {import("../events").ConversationSummary} ConversationSummary
 * @typedef {import("../events").ConversationDetail} ConversationDetail
 * @typedef {import("../events").MessageRow} MessageRow
 * @typedef {import("../events").NoteRow} NoteRow
 * @typedef {import("../events").StaffEntry} StaffEntry
 * @typedef {import("../events").CannedReply} CannedReply
 * @typedef {import("../events").Me} Me
 * @typedef {import("socket.io-client").Socket<ServerToClientEvents, ClientToServerEvents>} ConsoleSocket
 */
"use strict";

/** socket.io's client, loaded by /socket.io/socket.io.min.js (served by our own server) */
const connectSocket = /** @type {typeof import("socket.io-client").io} */ (/** @type {any} */ (window).io);

/** @type {Record<"id" | "en", Record<string, string>>} */
const TEXTS = {
  id: {
    title: "Konsol Pustakawan",
    language: "Bahasa",
    logout: "Keluar",
    signIn: "Masuk",
    username: "Nama pengguna",
    password: "Kata sandi",
    tabQueue: "Antrean",
    tabSearch: "Cari",
    tabAdmin: "Admin",
    waiting: "Menunggu",
    mine: "Percakapan saya",
    others: "Sedang dilayani pustakawan lain",
    online: "Pustakawan daring",
    searchText: "Nama, ID anggota, atau isi pesan",
    memberId: "ID anggota",
    from: "Dari",
    to: "Sampai",
    search: "Cari",
    staff: "Staf",
    displayName: "Nama tampilan",
    newPassword: "Kata sandi baru (min. 10)",
    addStaff: "Tambah staf",
    canned: "Balasan siap pakai",
    cannedTitle: "Judul",
    cannedText: "Isi balasan",
    addCanned: "Tambah balasan",
    back: "← Kembali",
    claim: "Ambil percakapan",
    transfer: "Alihkan",
    close: "Tutup percakapan",
    outcomeNone: "(tanpa hasil)",
    outcomeAnswered: "terjawab",
    outcomeReferred: "dirujuk",
    outcomeNoResponse: "tidak ada respons",
    outcomeSpam: "spam",
    outcomeOther: "lainnya",
    patron: "Pemustaka",
    name: "Nama",
    loans: "Pinjaman",
    verify: "Verifikasi sebagai anggota",
    notes: "Catatan internal (hanya staf)",
    notePlaceholder: "Catatan untuk staf",
    addNote: "Simpan catatan",
    cannedPick: "Balasan siap pakai…",
    replyPlaceholder: "Tulis balasan…",
    send: "Kirim",
    stateWaiting: "menunggu",
    stateAssigned: "dilayani",
    stateClosed: "selesai",
    stateBot: "bot",
    authorPatron: "Pemustaka",
    authorBot: "Bot",
    authorSystem: "Sistem",
    statusQueued: "antre",
    statusSent: "terkirim",
    statusFailed: "gagal",
    statusHandled: "diterima",
    statusReceived: "diterima",
    retry: "Kirim ulang",
    member: "anggota",
    notMember: "belum terverifikasi",
    minutes: "mnt",
    hours: "jam",
    justNow: "baru saja",
    none: "—",
    noLoans: "Tidak ada pinjaman",
    loansUnavailable: "Data pinjaman tidak tersedia",
    due: "jatuh tempo",
    late: "terlambat",
    days: "hari",
    wrongLogin: "Nama pengguna atau kata sandi salah.",
    tooMany: "Terlalu banyak percobaan. Coba lagi nanti.",
    errorForbidden: "Peran Anda tidak boleh melakukan ini.",
    errorTaken: "Sudah diambil pustakawan lain.",
    errorNotWaiting: "Percakapan ini tidak lagi menunggu.",
    errorNotAssigned: "Percakapan ini bukan milik Anda.",
    errorInvalid: "Isian tidak valid.",
    errorNotFound: "Tidak ditemukan.",
    errorFailed: "Gagal. Coba lagi.",
    offline: "terputus — menyambung ulang…",
    newWaiting: "Pemustaka baru menunggu",
    you: "Anda",
    earlier: "percakapan sebelumnya",
    disable: "Nonaktifkan",
    enable: "Aktifkan",
    resetPassword: "Ganti sandi",
    askPassword: "Kata sandi baru untuk",
    delete: "Hapus",
    noResults: "Tidak ada hasil",
  },
  en: {
    title: "Librarian console",
    language: "Language",
    logout: "Sign out",
    signIn: "Sign in",
    username: "Username",
    password: "Password",
    tabQueue: "Queue",
    tabSearch: "Search",
    tabAdmin: "Admin",
    waiting: "Waiting",
    mine: "My conversations",
    others: "With other librarians",
    online: "Librarians online",
    searchText: "Name, member ID or message text",
    memberId: "Member ID",
    from: "From",
    to: "To",
    search: "Search",
    staff: "Staff",
    displayName: "Display name",
    newPassword: "New password (min. 10)",
    addStaff: "Add staff",
    canned: "Canned replies",
    cannedTitle: "Title",
    cannedText: "Reply text",
    addCanned: "Add reply",
    back: "← Back",
    claim: "Claim conversation",
    transfer: "Transfer",
    close: "Close conversation",
    outcomeNone: "(no outcome)",
    outcomeAnswered: "answered",
    outcomeReferred: "referred",
    outcomeNoResponse: "no response",
    outcomeSpam: "spam",
    outcomeOther: "other",
    patron: "Patron",
    name: "Name",
    loans: "Loans",
    verify: "Verify as member",
    notes: "Internal notes (staff only)",
    notePlaceholder: "A note for staff",
    addNote: "Save note",
    cannedPick: "Canned replies…",
    replyPlaceholder: "Write a reply…",
    send: "Send",
    stateWaiting: "waiting",
    stateAssigned: "assigned",
    stateClosed: "closed",
    stateBot: "bot",
    authorPatron: "Patron",
    authorBot: "Bot",
    authorSystem: "System",
    statusQueued: "queued",
    statusSent: "sent",
    statusFailed: "failed",
    statusHandled: "received",
    statusReceived: "received",
    retry: "Retry",
    member: "member",
    notMember: "not verified",
    minutes: "min",
    hours: "h",
    justNow: "just now",
    none: "—",
    noLoans: "No loans",
    loansUnavailable: "Loans unavailable",
    due: "due",
    late: "late",
    days: "days",
    wrongLogin: "Wrong username or password.",
    tooMany: "Too many attempts. Try again later.",
    errorForbidden: "Your role may not do this.",
    errorTaken: "Another librarian already took it.",
    errorNotWaiting: "This conversation is no longer waiting.",
    errorNotAssigned: "This conversation is not yours.",
    errorInvalid: "Invalid input.",
    errorNotFound: "Not found.",
    errorFailed: "Failed. Try again.",
    offline: "disconnected — reconnecting…",
    newWaiting: "A new patron is waiting",
    you: "you",
    earlier: "earlier conversation",
    disable: "Disable",
    enable: "Enable",
    resetPassword: "Reset password",
    askPassword: "New password for",
    delete: "Delete",
    noResults: "No results",
  },
};

/** @type {"id" | "en"} */
let lang = localStorage.getItem("console.lang") === "en" ? "en" : "id";
if (!localStorage.getItem("console.lang") && navigator.language.toLowerCase().startsWith("en")) lang = "en";

/** @param {string} key */
const t = (key) => TEXTS[lang][key] ?? TEXTS.id[key] ?? key;

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
const $ = (id) => /** @type {T} */ (document.getElementById(id));

/**
 * An input, select or textarea by id (for its value).
 * @param {string} id
 */
const field = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/**
 * A new element; text goes in as textContent.
 * @param {string} tag
 * @param {{ className?: string, text?: string, title?: string }} [props]
 * @param {(Node | string)[]} children
 */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  for (const child of children) node.append(child);
  return node;
}

function applyTexts() {
  document.documentElement.lang = lang;
  document.title = t("title");
  for (const node of document.querySelectorAll("[data-i18n]")) {
    node.textContent = t(/** @type {HTMLElement} */ (node).dataset.i18n ?? "");
  }
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
    const input = /** @type {HTMLInputElement} */ (node);
    input.placeholder = t(input.dataset.i18nPlaceholder ?? "");
  }
  field("lang").value = lang;
}

// ------------------------------------------------------------------ state

/** @type {ConsoleSocket | undefined} */
let socket;
/** @type {Me | undefined} */
let me;
let csrfToken = "";
/** The library's time zone: every time shown is library time (Asia/Jakarta by default). */
let timeZone = "Asia/Jakarta";
/** @type {Map<number, ConversationSummary>} */
const conversations = new Map();
/** @type {Map<number, number>} */
const unread = new Map();
/** @type {StaffEntry[]} */
let staffList = [];
/** @type {number[]} */
let online = [];
/** @type {ConversationDetail | undefined} */
let current;
/** @type {CannedReply[]} */
let canned = [];

const canWrite = () => me?.role === "librarian" || me?.role === "admin";

/**
 * @template {keyof ClientToServerEvents} E
 * @typedef {Parameters<ClientToServerEvents[E]> extends [...infer A, any] ? A : never} RequestArgs
 */
/**
 * @template {keyof ClientToServerEvents} E
 * @typedef {Parameters<ClientToServerEvents[E]> extends [...any[], (result: infer R) => void] ? R : never} Reply
 */

/**
 * Send a request (typed by the server's event map) and wait for its acknowledgement.
 * @template {keyof ClientToServerEvents} E
 * @param {E} event
 * @param {RequestArgs<E>} args
 * @returns {Promise<Reply<E> | { ok: false, error: "failed" }>}
 */
function ask(event, ...args) {
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

/** @param {string} code */
function errorText(code) {
  const key = "error" + code.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());
  return TEXTS[lang][key] ? t(key) : t("errorFailed");
}

// ------------------------------------------------------------------ HTTP (sign in, admin)

/**
 * @param {string} path
 * @param {unknown} [body]
 */
async function post(path, body = {}) {
  const res = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": csrfToken },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  return { status: res.status, data };
}

async function boot() {
  applyTexts();
  const res = await fetch("/api/session", { credentials: "same-origin" });
  if (res.ok) {
    const data = await res.json();
    if (typeof data.timeZone === "string") timeZone = data.timeZone;
    start(data.me, data.csrfToken);
  } else showLogin();
}

function showLogin() {
  socket?.close();
  socket = undefined;
  $("app-view").hidden = true;
  $("logout").hidden = true;
  $("me").textContent = "";
  $("login-view").hidden = false;
  $("login-username").focus();
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  const { status, data } = await post("/api/login", {
    username: field("login-username").value,
    password: field("login-password").value,
  });
  if (status === 200) {
    field("login-password").value = "";
    if (typeof data.timeZone === "string") timeZone = data.timeZone;
    start(data.me, data.csrfToken);
  } else $("login-error").textContent = status === 429 ? t("tooMany") : t("wrongLogin");
});

$("logout").addEventListener("click", async () => {
  await post("/api/logout");
  location.reload();
});

$("lang").addEventListener("change", () => {
  lang = field("lang").value === "en" ? "en" : "id";
  localStorage.setItem("console.lang", lang);
  applyTexts();
  renderLists();
  if (current) renderConversation();
});

// ------------------------------------------------------------------ live

/**
 * @param {Me} who
 * @param {string} csrf
 */
function start(who, csrf) {
  me = who;
  csrfToken = csrf;
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("logout").hidden = false;
  $("me").textContent = `${who.displayName} (${who.role})`;
  document.querySelector('[data-tab="admin"]')?.toggleAttribute("hidden", who.role !== "admin");
  prepareSound();
  if ("Notification" in window && Notification.permission === "default")
    void Notification.requestPermission();

  /** @type {ConsoleSocket} */
  const s = connectSocket({ transports: ["websocket", "polling"] });
  socket = s;
  s.on("connect", () => {
    $("connection").hidden = true;
    // A recovered connection missed nothing; otherwise PostgreSQL is read again.
    if (!s.recovered) void reload();
  });
  s.on("disconnect", () => {
    $("connection").hidden = false;
    $("connection").textContent = t("offline");
  });
  s.on("connect_error", (err) => {
    if (err.message === "unauthorized") showLogin();
  });
  s.on("conversation:changed", (summary) => {
    const before = conversations.get(summary.id);
    conversations.set(summary.id, summary);
    if (summary.state === "waiting" && before?.state !== "waiting") notifyWaiting(summary);
    if (summary.state === "closed") unread.delete(summary.id);
    renderLists();
    if (current && current.conversation.id === summary.id) {
      current.conversation = summary;
      renderHeader();
    }
  });
  s.on("message:new", (message) => {
    if (current && message.conversationId === current.conversation.id) {
      if (!current.messages.some((m) => m.id === message.id)) {
        current.messages.push(message);
        $("messages").append(messageItem(message));
        scrollMessages();
      }
    } else if (message.author === "patron") {
      unread.set(message.conversationId, (unread.get(message.conversationId) ?? 0) + 1);
      renderLists();
    }
  });
  s.on("message:status", (update) => {
    const message = current?.messages.find((m) => m.id === update.messageId);
    if (!message) return;
    message.status = update.status;
    message.error = update.error;
    const node = document.querySelector(`#messages li[data-id="${CSS.escape(update.messageId)}"]`);
    node?.replaceWith(messageItem(message));
  });
  s.on("note:new", (note) => {
    if (current && note.conversationId === current.conversation.id) {
      current.notes.push(note);
      $("notes-list").append(noteItem(note));
    }
  });
  s.on("presence", (ids) => {
    online = ids;
    void loadStaff();
  });
}

async function reload() {
  const [queue, staff, replies] = await Promise.all([
    ask("queue:list"),
    ask("staff:list"),
    ask("canned:list"),
  ]);
  if (queue.ok) {
    conversations.clear();
    for (const c of queue.conversations) conversations.set(c.id, c);
  }
  if (staff.ok) {
    staffList = staff.staff;
    // A "presence" push may have arrived meanwhile: it is newer, so keep what it said too.
    online = [...new Set([...online, ...staffList.filter((x) => x.online).map((x) => x.id)])];
  }
  if (replies.ok) canned = replies.replies;
  renderLists();
  renderCanned();
  if (current) await openConversation(current.conversation.id);
}

async function loadStaff() {
  const staff = await ask("staff:list");
  if (staff.ok) staffList = staff.staff;
  renderPresence();
  if (current) renderHeader();
}

// ------------------------------------------------------------------ lists

/** @param {string | null} since */
function age(since) {
  if (!since) return "";
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 60000));
  if (minutes < 1) return t("justNow");
  if (minutes < 120) return `${minutes} ${t("minutes")}`;
  return `${Math.round(minutes / 60)} ${t("hours")}`;
}

/** @param {ConversationSummary} c */
function conversationItem(c) {
  const badges = el("span");
  const n = unread.get(c.id) ?? 0;
  if (n) badges.append(el("span", { className: "badge unread", text: String(n) }), " ");
  badges.append(
    el("span", {
      className: c.memberId ? "badge member" : "badge",
      text: c.memberId ? `${t("member")} ${c.memberId}` : t("notMember"),
    }),
  );
  const button = el(
    "button",
    { className: current?.conversation.id === c.id ? "current" : "" },
    el("strong", { text: c.patronName || `#${c.id}` }),
    el("span", {
      className: "conv-meta",
      text: [
        c.channel,
        c.state === "waiting" ? age(c.waitingSince) : (c.assignedStaffName ?? ""),
        c.closedAt ? new Date(c.closedAt).toLocaleString(lang, { timeZone }) : "",
      ]
        .filter(Boolean)
        .join(" · "),
    }),
    badges,
  );
  button.setAttribute("type", "button");
  button.dataset.conversation = String(c.id);
  button.addEventListener("click", () => void openConversation(c.id));
  return el("li", {}, button);
}

function renderLists() {
  const all = [...conversations.values()];
  const waiting = all
    .filter((c) => c.state === "waiting")
    .sort((a, b) => Date.parse(a.waitingSince ?? a.openedAt) - Date.parse(b.waitingSince ?? b.openedAt));
  const mine = all.filter((c) => c.state === "assigned" && c.assignedStaffId === me?.id);
  const others = all.filter((c) => c.state === "assigned" && c.assignedStaffId !== me?.id);
  $("queue-list").replaceChildren(...waiting.map(conversationItem));
  $("mine-list").replaceChildren(...mine.map(conversationItem));
  $("others-list").replaceChildren(...others.map(conversationItem));
  $("waiting-count").textContent = String(waiting.length);
  const totalUnread = [...unread.values()].reduce((a, b) => a + b, 0);
  document.title = `${waiting.length || totalUnread ? `(${waiting.length + totalUnread}) ` : ""}${t("title")}`;
  renderPresence();
}

function renderPresence() {
  const people = staffList.filter((s) => online.includes(s.id));
  $("presence-list").replaceChildren(
    ...people.map((s) => el("li", { text: `● ${s.displayName}${s.id === me?.id ? ` (${t("you")})` : ""}` })),
  );
}

// ------------------------------------------------------------------ one conversation

/** @param {number} id */
async function openConversation(id) {
  const detail = await ask("conversation:open", id);
  if (!detail.ok) return;
  current = detail;
  unread.delete(id);
  document.body.classList.add("viewing");
  $("conversation-pane").hidden = false;
  renderConversation();
  renderLists();
}

function renderConversation() {
  if (!current) return;
  renderHeader();
  const cid = current.conversation.id;
  $("messages").replaceChildren(...current.messages.map((m) => messageItem(m, m.conversationId !== cid)));
  $("notes-list").replaceChildren(...current.notes.map(noteItem));
  const p = current.patron;
  $("patron-name").textContent = p.name || t("none");
  $("patron-member").textContent = p.memberId
    ? `${p.memberId}${p.verified ? " ✓" : ""}`
    : `${t("none")} (${t("notMember")})`;
  const loans = $("patron-loans");
  if (p.loans) {
    loans.replaceChildren(
      ...(p.loans.length
        ? p.loans.map((l) =>
            el("li", {
              text: `${l.title || l.itemCode} — ${t("due")} ${l.dueDate ?? "?"}${l.daysLate ? ` (${t("late")} ${l.daysLate} ${t("days")})` : ""}`,
            }),
          )
        : [el("li", { text: t("noLoans") })]),
    );
  } else loans.replaceChildren(el("li", { text: p.loansError ? t("loansUnavailable") : t("none") }));
  $("verify-form").hidden = !canWrite() || !!p.memberId;
  $("conv-error").textContent = "";
  scrollMessages();
}

function renderHeader() {
  if (!current) return;
  const c = current.conversation;
  $("conv-title").textContent = `${c.patronName || "#" + c.id} · ${c.channel}`;
  const stateKey = "state" + c.state[0].toUpperCase() + c.state.slice(1);
  $("conv-state").textContent =
    c.assignedStaffName && c.state === "assigned" ? `${t(stateKey)}: ${c.assignedStaffName}` : t(stateKey);
  const mine = c.state === "assigned" && c.assignedStaffId === me?.id;
  const admin = me?.role === "admin";
  $("claim").hidden = !(canWrite() && c.state === "waiting");
  $("transfer-box").hidden = !(c.state === "assigned" && (mine || admin));
  $("close-box").hidden = !(
    canWrite() &&
    (c.state === "waiting" || mine || (admin && c.state === "assigned"))
  );
  $("reply-form").hidden = !mine;
  $("note-form").hidden = !canWrite();
  const select = /** @type {HTMLSelectElement} */ ($("transfer-to"));
  select.replaceChildren(
    ...staffList
      .filter((s) => s.id !== c.assignedStaffId && s.role !== "auditor")
      .map((s) => {
        const option = el("option", { text: `${s.displayName}${online.includes(s.id) ? " ●" : ""}` });
        /** @type {HTMLOptionElement} */ (option).value = String(s.id);
        return option;
      }),
  );
  if (select.options.length === 0) $("transfer-box").hidden = true;
}

/**
 * @param {MessageRow} m
 * @param {boolean} [earlier] from an earlier conversation with the same patron
 */
function messageItem(m, earlier = false) {
  const who =
    m.author === "patron"
      ? t("authorPatron")
      : m.author === "bot"
        ? t("authorBot")
        : m.author === "librarian"
          ? (m.authorStaffName ?? "?")
          : `${t("authorSystem")}${m.authorStaffName ? ` (${m.authorStaffName})` : ""}`;
  const text = m.kind === "text" || m.kind === "callback" ? (m.text ?? "") : `[${m.kind}] ${m.text ?? ""}`;
  const meta = el("span", { className: "msg-meta" });
  meta.append(
    `${who} · ${new Date(m.createdAt).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", timeZone })}`,
  );
  if (earlier) meta.append(` · ${t("earlier")}`);
  if (m.direction === "out") {
    const statusKey = "status" + m.status[0].toUpperCase() + m.status.slice(1);
    const status = el("span", {
      className: `msg-status ${m.status}`,
      text: ` · ${t(statusKey)}${m.error ? `: ${m.error}` : ""}`,
    });
    meta.append(status);
    if (m.status === "failed" && canWrite()) {
      const retry = el("button", { className: "secondary", text: t("retry") });
      retry.addEventListener("click", async () => {
        const result = await ask("message:retry", m.id);
        if (!result.ok) $("conv-error").textContent = errorText(result.error);
      });
      meta.append(" ", retry);
    }
  }
  const item = el(
    "li",
    { className: `${m.author}${earlier ? " earlier" : ""}` },
    el("span", { className: "msg-text", text }),
    meta,
  );
  item.dataset.id = m.id;
  return item;
}

/** @param {NoteRow} n */
function noteItem(n) {
  return el("li", {
    text: `${n.staffName}: ${n.text}`,
    title: new Date(n.createdAt).toLocaleString(lang, { timeZone }),
  });
}

function scrollMessages() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

function renderCanned() {
  const select = $("canned-select");
  const first = select.firstElementChild;
  select.replaceChildren(
    ...(first ? [first] : []),
    ...canned.map((c) => {
      const option = /** @type {HTMLOptionElement} */ (el("option", { text: c.title }));
      option.value = String(c.id);
      return option;
    }),
  );
}

$("canned-select").addEventListener("change", () => {
  const select = /** @type {HTMLSelectElement} */ ($("canned-select"));
  const reply = canned.find((c) => String(c.id) === select.value);
  if (reply) {
    const box = /** @type {HTMLTextAreaElement} */ ($("reply-text"));
    box.value = box.value ? `${box.value}\n${reply.text}` : reply.text;
    box.focus();
  }
  select.value = "";
});

$("back").addEventListener("click", () => {
  document.body.classList.remove("viewing");
  current = undefined;
  $("conversation-pane").hidden = true;
  renderLists();
});

/** @param {{ ok: boolean, error?: string }} result */
function showResult(result) {
  $("conv-error").textContent = result.ok ? "" : errorText(result.error ?? "failed");
  return result.ok;
}

$("claim").addEventListener("click", async () => {
  if (!current) return;
  showResult(await ask("conversation:claim", current.conversation.id));
});

$("transfer").addEventListener("click", async () => {
  if (!current) return;
  const to = Number(/** @type {HTMLSelectElement} */ ($("transfer-to")).value);
  if (to)
    showResult(
      await ask("conversation:transfer", { conversationId: current.conversation.id, toStaffId: to }),
    );
});

$("close").addEventListener("click", async () => {
  if (!current) return;
  const outcome = /** @type {HTMLSelectElement} */ ($("close-outcome")).value;
  showResult(
    await ask("conversation:close", {
      conversationId: current.conversation.id,
      ...(outcome ? { outcome } : {}),
    }),
  );
});

const newKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * One key per draft, kept until the server confirms it: when an answer is lost (timeout, a
 * dropped connection) the reply may already be written, and sending again with the same key
 * returns that reply instead of sending the patron a second copy.
 */
let draftKey = newKey();

$("reply-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!current) return;
  const box = /** @type {HTMLTextAreaElement} */ ($("reply-text"));
  const text = box.value.trim();
  if (!text) return;
  $("send").toggleAttribute("disabled", true);
  const result = await ask("message:send", {
    conversationId: current.conversation.id,
    text,
    clientKey: draftKey,
  });
  $("send").toggleAttribute("disabled", false);
  if (showResult(result)) {
    box.value = "";
    draftKey = newKey();
  }
});

$("reply-text").addEventListener("keydown", (event) => {
  const e = /** @type {KeyboardEvent} */ (event);
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey))
    /** @type {HTMLFormElement} */ ($("reply-form")).requestSubmit();
});

$("note-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!current) return;
  const input = /** @type {HTMLInputElement} */ ($("note-text"));
  if (showResult(await ask("note:add", { conversationId: current.conversation.id, text: input.value })))
    input.value = "";
});

$("verify-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!current) return;
  const input = /** @type {HTMLInputElement} */ ($("verify-member"));
  const result = await ask("patron:verify", {
    conversationId: current.conversation.id,
    memberId: input.value,
  });
  if (showResult(result)) {
    input.value = "";
    await openConversation(current.conversation.id);
  }
});

// ------------------------------------------------------------------ tabs, search, admin

for (const button of document.querySelectorAll("nav#tabs button")) {
  button.addEventListener("click", () => {
    const tab = /** @type {HTMLElement} */ (button).dataset.tab;
    for (const b of document.querySelectorAll("nav#tabs button")) b.classList.toggle("active", b === button);
    for (const name of ["queue", "search", "admin"]) $(`tab-${name}`).hidden = name !== tab;
    if (tab === "admin") void loadAdmin();
  });
}

$("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  /** @param {string} id */
  const v = (id) => /** @type {HTMLInputElement} */ ($(id)).value.trim();
  const result = await ask("search", {
    ...(v("search-text") ? { text: v("search-text") } : {}),
    ...(v("search-member") ? { memberId: v("search-member") } : {}),
    ...(v("search-from") ? { from: v("search-from") } : {}),
    ...(v("search-to") ? { to: v("search-to") } : {}),
  });
  const list = $("search-results");
  if (!result.ok) return;
  list.replaceChildren(
    ...(result.conversations.length
      ? result.conversations.map(conversationItem)
      : [el("li", { className: "conv-meta", text: t("noResults") })]),
  );
});

async function loadAdmin() {
  const res = await fetch("/api/staff", { credentials: "same-origin" });
  if (!res.ok) return;
  /** @type {{ staff: Array<{ id: number, username: string, displayName: string, role: string, active: boolean }> }} */
  const { staff } = await res.json();
  const body = /** @type {HTMLTableElement} */ ($("staff-table")).tBodies[0];
  body.replaceChildren(
    ...staff.map((s) => {
      const toggle = el("button", { className: "secondary", text: s.active ? t("disable") : t("enable") });
      toggle.addEventListener("click", async () => {
        const r = await post("/api/staff/active", { username: s.username, active: !s.active });
        $("admin-error").textContent = r.status === 200 ? "" : (r.data.error ?? t("errorFailed"));
        void loadAdmin();
      });
      const reset = el("button", { className: "secondary", text: t("resetPassword") });
      reset.addEventListener("click", async () => {
        const password = prompt(`${t("askPassword")} ${s.username}`);
        if (!password) return;
        const r = await post("/api/staff/password", { username: s.username, password });
        $("admin-error").textContent = r.status === 200 ? "" : (r.data.error ?? t("errorFailed"));
      });
      return el(
        "tr",
        {},
        el("td", { text: s.username }),
        el("td", { text: s.displayName }),
        el("td", { text: s.role }),
        el("td", { text: s.active ? "✓" : "✗", title: s.active ? t("enable") : t("disable") }),
        el("td", {}, toggle, " ", reset),
      );
    }),
  );
  const replies = await ask("canned:list");
  if (replies.ok) canned = replies.replies;
  renderCanned();
  $("canned-list").replaceChildren(
    ...canned.map((c) => {
      const del = el("button", { className: "secondary", text: t("delete") });
      del.addEventListener("click", async () => {
        await post("/api/canned/delete", { id: c.id });
        void loadAdmin();
      });
      return el("li", {}, el("strong", { text: c.title }), ` — ${c.text.slice(0, 80)} `, del);
    }),
  );
}

$("staff-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  /** @param {string} id */
  const v = (id) => /** @type {HTMLInputElement} */ ($(id)).value;
  const r = await post("/api/staff", {
    username: v("staff-username"),
    displayName: v("staff-name"),
    role: v("staff-role"),
    password: v("staff-password"),
  });
  $("admin-error").textContent = r.status === 201 ? "" : (r.data.error ?? t("errorFailed"));
  if (r.status === 201) /** @type {HTMLFormElement} */ ($("staff-form")).reset();
  void loadAdmin();
});

$("canned-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const r = await post("/api/canned", {
    title: /** @type {HTMLInputElement} */ ($("canned-title")).value,
    text: /** @type {HTMLTextAreaElement} */ ($("canned-text")).value,
  });
  $("admin-error").textContent = r.status === 201 ? "" : (r.data.error ?? t("errorFailed"));
  if (r.status === 201) /** @type {HTMLFormElement} */ ($("canned-form")).reset();
  void loadAdmin();
});

// ------------------------------------------------------------------ sound and notifications

/** @type {AudioContext | undefined} */
let audio;
function prepareSound() {
  try {
    audio ??= new AudioContext();
  } catch {
    audio = undefined;
  }
}

/** @param {ConversationSummary} summary */
function notifyWaiting(summary) {
  if (me?.role === "auditor") return;
  if (audio) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.08;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  }
  if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
    new Notification(t("newWaiting"), { body: summary.patronName, tag: `conv-${summary.id}` });
  }
}

setInterval(() => renderLists(), 60_000);
void boot();
