// @ts-check
/**
 * The service calendar tab (docs/calendar.md): the weekly service hours, the library's dated
 * exceptions (a named closed day, other hours for a range) and the holidays the library system
 * (SLiMS) adds. Everyone signed in reads it; the server lets only admins change it, and this view
 * shows the editing controls only to them. A refused change lists each problem the server named.
 * All text goes in as textContent (el()).
 */
import { $, el } from "../dom.js";
import { errorText, lang, t } from "../i18n.js";
import { ask } from "../socket.js";

/** @typedef {import("../types.js").CalendarView} CalendarView */
/** @typedef {import("../types.js").CalendarResult} CalendarResult */
/** @typedef {{ from: string, to: string }} SpanView */

/** Monday first, as Indonesian timetables are written. */
const DAYS = /** @type {const} */ (["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
/** @param {string} day */
const dayText = (day) => t("calDay" + day[0]?.toUpperCase() + day.slice(1));

/** @type {CalendarView | undefined} */
let shown;

/** @param {SpanView[]} spans */
const spansText = (spans) => spans.map((s) => `${s.from}-${s.to}`).join(", ");

/**
 * "08:00-12:00, 13:00-16:00" → spans. Malformed parts are sent as they are: the server says what
 * is wrong with them (one place checks).
 * @param {string} text
 * @returns {SpanView[]}
 */
function parseSpans(text) {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [from = "", to = ""] = part.split(/\s*[-–]\s*/);
      return { from, to };
    });
}

/** @param {string} code */
const problemText = (code) => t("calProblem" + code.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase()));

/**
 * What a request's refusal says: each problem with the field it names, or the error's text.
 * @param {CalendarResult | { ok: false, error: "failed" }} r
 */
function showResult(r) {
  const box = $("calendar-problems");
  if (r.ok) {
    box.replaceChildren(el("li", { text: t("calSaved") }));
    return;
  }
  const problems = "problems" in r ? r.problems : [];
  box.replaceChildren(
    ...(problems.length
      ? problems.map((p) =>
          el("li", { className: "error", text: `${fieldText(p.field)}: ${problemText(p.code)}` }),
        )
      : [el("li", { className: "error", text: errorText(r.error) })]),
  );
}

/** "mon.0.to" → "Senin"; "from" → "Dari". @param {string} field */
function fieldText(field) {
  const head = field.split(".")[0] ?? field;
  if (DAYS.includes(/** @type {any} */ (head))) return dayText(head);
  if (head === "from") return t("from");
  if (head === "to") return t("to");
  if (head === "spans") return t("calSpans");
  if (head === "weekdays") return t("calWeekdays");
  if (head === "kind") return t("calKind");
  return head;
}

/** @param {CalendarResult | { ok: false, error: "failed" }} r */
function afterChange(r) {
  showResult(r);
  if (r.ok) render(r.calendar);
}

/** @param {CalendarView} cal */
function weeklySection(cal) {
  const inputs = new Map();
  const rows = DAYS.map((day) => {
    const input = /** @type {HTMLInputElement} */ (el("input"));
    input.value = spansText(cal.weekly[day]);
    input.readOnly = !cal.canEdit;
    input.maxLength = 200;
    input.dataset.day = day;
    inputs.set(day, input);
    return el("label", {}, el("span", { text: dayText(day) }), " ", input);
  });
  const form = /** @type {HTMLFormElement} */ (el("form", { className: "stack" }, ...rows));
  if (cal.canEdit) {
    form.append(el("button", { text: t("calSaveWeekly") }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      /** @type {Record<string, SpanView[]>} */
      const weekly = {};
      for (const day of DAYS) weekly[day] = parseSpans(inputs.get(day).value);
      afterChange(await ask("calendar:weekly:set", { weekly }));
    });
  }
  return el(
    "section",
    {},
    el("h2", { text: t("calWeekly") }),
    el("p", {
      className: "muted",
      text: cal.weeklyFrom === "console" ? t("calFromConsole") : t("calFromConfig"),
    }),
    el("p", { className: "muted", text: t("calWeeklyHint") }),
    form,
  );
}

/** @param {CalendarView["exceptions"][number]} e @param {boolean} canEdit */
function exceptionItem(e, canEdit) {
  const dates = e.from === e.to ? e.from : `${e.from} – ${e.to}`;
  const what =
    e.kind === "closed"
      ? t("calClosed")
      : `${t("calHours")} ${spansText(e.spans)}${e.weekdays ? ` (${e.weekdays.map(dayText).join(", ")})` : ""}`;
  const name = e.name ? ` · ${e.name[lang] || e.name.id}` : "";
  const item = el("li", {}, el("strong", { text: dates }), ` · ${what}${name}`);
  if (canEdit) {
    const remove = el("button", { className: "secondary", text: t("calRemove") });
    remove.addEventListener("click", async () =>
      afterChange(await ask("calendar:exception:remove", { id: e.id })),
    );
    item.append(" ", remove);
  }
  return item;
}

function addForm() {
  const kind = /** @type {HTMLSelectElement} */ (el("select"));
  kind.append(new Option(t("calClosed"), "closed"), new Option(t("calHours"), "hours"));
  const date = () => {
    const input = /** @type {HTMLInputElement} */ (el("input"));
    input.type = "date";
    return input;
  };
  const [from, to] = [date(), date()];
  from.required = true;
  const spans = /** @type {HTMLInputElement} */ (el("input"));
  spans.placeholder = t("calSpans");
  spans.maxLength = 200;
  const checks = DAYS.map((day) => {
    const box = /** @type {HTMLInputElement} */ (el("input"));
    box.type = "checkbox";
    box.value = day;
    box.checked = day !== "sat" && day !== "sun";
    return { day, box };
  });
  const nameId = /** @type {HTMLInputElement} */ (el("input"));
  nameId.placeholder = t("calNameId");
  nameId.maxLength = 120;
  const nameEn = /** @type {HTMLInputElement} */ (el("input"));
  nameEn.placeholder = t("calNameEn");
  nameEn.maxLength = 120;
  const hoursOnly = el(
    "div",
    { className: "stack" },
    spans,
    el("span", { text: t("calWeekdays") }),
    el("div", { className: "inline" }, ...checks.map(({ day, box }) => el("label", {}, box, dayText(day)))),
  );
  const sync = () => void (hoursOnly.hidden = kind.value !== "hours");
  kind.addEventListener("change", sync);
  sync();
  const form = /** @type {HTMLFormElement} */ (
    el(
      "form",
      { className: "stack" },
      el("label", {}, el("span", { text: t("calKind") }), " ", kind),
      el("label", {}, el("span", { text: t("from") }), " ", from),
      el("label", {}, el("span", { text: t("to") }), " ", to),
      hoursOnly,
      nameId,
      nameEn,
      el("button", { text: t("calAdd") }),
    )
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = { id: nameId.value, en: nameEn.value };
    const input =
      kind.value === "hours"
        ? {
            kind: /** @type {const} */ ("hours"),
            from: from.value,
            to: to.value || from.value,
            spans: parseSpans(spans.value),
            weekdays: checks.filter((c) => c.box.checked).map((c) => c.day),
            name,
          }
        : { kind: /** @type {const} */ ("closed"), from: from.value, to: to.value || from.value, name };
    afterChange(await ask("calendar:exception:add", input));
  });
  return form;
}

/** @param {CalendarView} cal */
function importedSection(cal) {
  const { imported } = cal;
  const lines = !imported.known
    ? [el("li", { className: "error", text: t("calImportedUnknown") })]
    : [
        ...(imported.closedWeekdays.length
          ? [
              el("li", {
                text: `${t("calWeeklyClosing")} ${imported.closedWeekdays.map(dayText).join(", ")}`,
              }),
            ]
          : []),
        ...imported.dates.map((d) =>
          el("li", {
            className: d.overridden ? "muted" : "",
            text: d.overridden ? `${d.date} (${t("calOverridden")})` : d.date,
          }),
        ),
      ];
  return el(
    "section",
    {},
    el("h2", { text: t("calImported") }),
    el("ul", { className: "plain" }, ...(lines.length ? lines : [el("li", { text: t("calImportedNone") })])),
  );
}

/** @param {CalendarView} cal */
function render(cal) {
  shown = cal;
  const exceptions = el(
    "ul",
    { className: "plain" },
    ...(cal.exceptions.length
      ? cal.exceptions.map((e) => exceptionItem(e, cal.canEdit))
      : [el("li", { className: "muted", text: t("calNoExceptions") })]),
  );
  $("calendar-view").replaceChildren(
    ...(cal.canEdit ? [] : [el("p", { className: "muted", text: t("calReadOnly") })]),
    weeklySection(cal),
    el(
      "section",
      {},
      el("h2", { text: t("calExceptions") }),
      exceptions,
      ...(cal.canEdit ? [addForm()] : []),
    ),
    importedSection(cal),
  );
}

/** Reads the calendar and shows it (on opening the tab). */
export async function loadCalendar() {
  const r = await ask("calendar:get");
  if (r.ok) render(r.calendar);
  else showResult(r);
}

/** The language changed: draw again what is shown. */
export function renderCalendar() {
  if (shown) render(shown);
}
