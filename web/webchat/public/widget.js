// The web chat widget: a chat bubble in the library's page. A classic script (no modules, no
// globals of its own): web/webchat/script.ts wraps it with `__pustaka` (the Socket.IO client, the
// labels in Bahasa Indonesia and English, the stylesheet). It lives in a shadow root, so the
// page's styles and ours leave each other alone. Every text goes in as textContent, never as HTML.
//
// The session token comes from the server and is kept in localStorage; the server is the source
// of truth: on every (re)connect the widget reads its history and merges it with what it shows by
// key ("o:<log id>" for the library's messages, "c:<own id>" for the patron's). A message the
// server has not confirmed stays pending and is sent again (its id makes that harmless).
(function (io, TEXTS, CSS) {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || document.getElementById("pustaka-webchat")) return;
  var origin = new URL(script.src).origin;
  var STORE = "pustaka-webchat:" + origin;
  var lang = pickLanguage(script.getAttribute("data-lang"));
  var t = TEXTS[lang];

  function pickLanguage(asked) {
    var hint = asked || document.documentElement.lang || navigator.language || "id";
    return hint.slice(0, 2).toLowerCase() === "en" ? "en" : "id";
  }

  function load() {
    try {
      return localStorage.getItem(STORE) || undefined;
    } catch {
      return undefined; // storage blocked: a session for this page view only
    }
  }
  var memoryToken;
  function save(token) {
    memoryToken = token;
    try {
      localStorage.setItem(STORE, token);
    } catch {
      // kept in memory instead
    }
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (name === "text") node.textContent = value;
      else if (name === "hidden") node.hidden = value;
      else node.setAttribute(name, value);
    });
    (children || []).forEach(function (child) {
      node.appendChild(child);
    });
    return node;
  }

  /** A speech bubble, drawn (an emoji needs a font the visitor may not have). */
  function bubbleIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  function randomId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  // The page.
  var host = el("div", { id: "pustaka-webchat" });
  var root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el("style", { text: CSS })); // older browsers, where the page's CSP allows it
  }
  var launcher = el("button", {
    type: "button",
    class: "launcher",
    "aria-label": t.open,
    "aria-expanded": "false",
    "aria-controls": "pw-panel",
  });
  launcher.appendChild(bubbleIcon());
  var title = el("h2", { id: "pw-title", text: t.title });
  var closer = el("button", { type: "button", class: "close", "aria-label": t.close, text: "×" });
  var list = el("ol", { class: "log", role: "log", "aria-live": "polite", "aria-label": t.messages });
  var status = el("p", { class: "status", role: "status" });
  var input = el("textarea", {
    id: "pw-input",
    rows: "1",
    maxlength: "4000",
    placeholder: t.placeholder,
    "aria-label": t.input,
  });
  var sendButton = el("button", { type: "submit", class: "send", text: t.send });
  var form = el("form", { class: "compose" }, [input, sendButton]);
  var panel = el(
    "section",
    { id: "pw-panel", class: "panel", role: "dialog", "aria-labelledby": "pw-title", hidden: true },
    [el("header", {}, [title, closer]), el("p", { class: "intro", text: t.intro }), list, status, form],
  );
  root.appendChild(panel);
  root.appendChild(launcher);
  document.body.appendChild(host);

  var shown = {}; // key → <li>
  var pending = {}; // clientId → the message, until the server confirms it
  var socket;

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      launcher.classList.remove("unread");
      connect();
      input.focus();
      list.scrollTop = list.scrollHeight;
    } else {
      launcher.focus();
    }
  }
  launcher.addEventListener("click", function () {
    setOpen(panel.hidden);
  });
  closer.addEventListener("click", function () {
    setOpen(false);
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setOpen(false);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send("text", text);
  });

  function show(entry) {
    var old = shown[entry.key];
    if (old) {
      // Already shown: the server confirms a pending copy, or masks a password.
      old.classList.remove("pending");
      if (entry.masked) old.querySelector(".text").textContent = t.masked;
      return;
    }
    var item = el("li", { class: "msg " + entry.from, "data-key": entry.key }, [
      el("span", { class: "sr-only", text: (entry.from === "patron" ? t.you : t.library) + ": " }),
      el("p", { class: "text", text: entry.masked ? t.masked : entry.text }),
    ]);
    if (entry.pending) item.classList.add("pending");
    if (entry.file) item.appendChild(fileLink(entry.file));
    if (entry.buttons) item.appendChild(buttonRows(entry.buttons));
    list.appendChild(item);
    if (panel.hidden && entry.from === "library") launcher.classList.add("unread");
    shown[entry.key] = item;
    list.scrollTop = list.scrollHeight;
  }

  // A librarian's file: a plain link on our origin (the token in it is good for this session
  // only). On a library's own site the link is cross-origin, where browsers ignore `download`:
  // the server's Content-Disposition makes a PDF a download, and a new tab keeps an image from
  // replacing the page. The name goes in as text, never HTML.
  function fileLink(file) {
    var size = formatSize(file.size);
    var link = el(
      "a",
      {
        class: "file",
        href: origin + file.url,
        download: file.fileName,
        target: "_blank",
        rel: "noopener noreferrer",
        "aria-label": t.download + ": " + file.fileName + " (" + size + ")",
      },
      [el("span", { class: "name", text: file.fileName }), el("span", { class: "size", text: size })],
    );
    return link;
  }

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + " kB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function buttonRows(rows) {
    var box = el("div", { class: "buttons" });
    rows.forEach(function (row) {
      var line = el("div", { class: "row" });
      row.forEach(function (button) {
        var b = el("button", { type: "button", text: button.text });
        b.addEventListener("click", function () {
          box.querySelectorAll("button").forEach(function (other) {
            other.disabled = true;
          });
          b.setAttribute("aria-pressed", "true");
          send("callback", button.data);
        });
        line.appendChild(b);
      });
      box.appendChild(line);
    });
    return box;
  }

  function say(text) {
    status.textContent = text || "";
  }

  function send(kind, text) {
    var clientId = randomId();
    var message = { clientId: clientId, kind: kind, text: text, language: lang };
    pending[clientId] = message;
    if (kind === "text") show({ key: "c:" + clientId, from: "patron", text: text, pending: true });
    deliver(message);
  }

  function deliver(message) {
    if (!socket || !socket.connected) return; // sent when the socket connects
    socket.timeout(15000).emit("message", message, function (err, result) {
      var key = "c:" + message.clientId;
      if (!pending[message.clientId]) return;
      if (!err && result && result.ok) {
        delete pending[message.clientId];
        if (shown[key]) shown[key].classList.remove("pending");
        say("");
        return;
      }
      var error = result && result.error;
      if (error === "rate_limited" || error === "too_long" || error === "invalid") {
        // Refused, not recorded: the text goes back to the patron, nothing is lost.
        delete pending[message.clientId];
        if (shown[key]) {
          shown[key].remove();
          delete shown[key];
        }
        if (message.kind === "text" && !input.value) input.value = message.text;
        say(error === "rate_limited" ? t.tooFast : t.tooLong);
        return;
      }
      say(t.failed);
      setTimeout(function () {
        if (pending[message.clientId]) deliver(message);
      }, 3000);
    });
  }

  function connect() {
    if (socket) return;
    socket = io(origin + "/webchat", {
      path: "/webchat/socket.io",
      auth: function (done) {
        done({ token: memoryToken || load() });
      },
    });
    socket.on("session", function (session) {
      save(session.token);
    });
    socket.on("connect", function () {
      say("");
      socket.emit("history", function (result) {
        if (result && result.ok) result.entries.forEach(show);
      });
      Object.keys(pending).forEach(function (id) {
        deliver(pending[id]);
      });
    });
    socket.on("connect_error", function () {
      say(t.offline);
    });
    socket.on("disconnect", function () {
      say(t.offline);
    });
    socket.on("message", show);
    socket.on("mask", function (mask) {
      var item = shown[mask.key];
      if (item) item.querySelector(".text").textContent = t.masked;
    });
  }

  // A patron who has talked before sees new replies without opening the panel first.
  if (load()) connect();
})(__pustaka.io, __pustaka.texts, __pustaka.css);
