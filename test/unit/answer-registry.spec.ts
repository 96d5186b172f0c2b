/**
 * The answer list and what is derived from it: the router's tables, the intents' precedence,
 * the help menu and the Telegram "/" menu. Also what adding an answer takes (one definition,
 * one more entry in the list), shown with a throwaway FAQ answer.
 */
import { expect } from "chai";
import { ANSWER_LIST, ANSWER_REGISTRY, ANSWERS } from "../../relay/answers";
import { defineAnswer, type AnswerContext } from "../../relay/answers/answer";
import { AnswerListError, buildRegistry } from "../../relay/answers/registry";
import { BOT_COMMANDS } from "../../relay/commands";
import { handoffStep } from "../../relay/handoff";
import { cue } from "../../relay/intents";
import { dialogOwner, route, routerFor } from "../../relay/router";

const text = (t: string) => ({ kind: "text" as const, text: t, meta: {} });
/** Only what the menu answers read; the rest of the context does not matter to them. */
const contextIn = (lang: "id" | "en") =>
  ({ lang, text: "", args: "", patronName: "Siti", library: { name: "Perpustakaan" } }) as AnswerContext;
const silentAnswer = () => ({ replies: [] });

describe("answer list: derived tables", () => {
  it("every command word in the help menu and in the '/' menu routes to the answer that declared it", () => {
    const inMenu = ANSWER_LIST.filter((a) => a.menu);
    expect(inMenu.map((a) => a.name)).to.have.members([
      "start",
      "loans",
      "renew",
      "fines",
      "reminders",
      "link",
      "hours",
      "help",
      "librarian",
      "language",
    ]);
    for (const lang of ["id", "en"] as const) {
      expect(BOT_COMMANDS[lang]).to.have.length(inMenu.length);
      for (const { command } of BOT_COMMANDS[lang]) {
        const routed = route(text(`/${command}`));
        expect(inMenu.map((a) => a.name)).to.include(routed.answer);
        // The word shown to a patron in one language says so (or says nothing: /start).
        if (routed.lang) expect(routed.lang, command).to.equal(lang);
      }
      const helpWords = [...ANSWER_REGISTRY.helpMenu(lang).matchAll(/^\/(\w+) — /gm)].map((m) => m[1]!);
      expect(helpWords).to.have.length(inMenu.length - 1); // all but /start, whose reply is the menu
      for (const word of helpWords) expect(route(text(`/${word}`)).answer).to.not.equal("unknown");
    }
  });

  it("keeps the menus exactly as patrons know them", () => {
    expect(ANSWER_REGISTRY.helpMenu("id")).to.equal(
      [
        "Yang bisa saya bantu:",
        "/pinjaman — pinjaman Anda dan jatuh temponya",
        "/perpanjang — perpanjang pinjaman",
        "/denda — denda Anda",
        "/pengingat — pengingat jatuh tempo dan pengumuman (on/off)",
        "/tautkan — tautkan akun anggota perpustakaan (sekali saja)",
        "/jam — jam layanan perpustakaan",
        "/bantuan — panduan singkat",
        "/pustakawan — bicara dengan pustakawan",
        "/bahasa — ganti bahasa (Indonesia/English)",
      ].join("\n"),
    );
    expect(ANSWER_REGISTRY.helpMenu("en").split("\n")).to.deep.equal([
      "What I can help with:",
      "/loans — your loans and due dates",
      "/renew — renew a loan",
      "/fines — your fines",
      "/reminders — due-date reminders and announcements (on/off)",
      "/link — link your library membership (once)",
      "/hours — library service hours",
      "/help — a short guide",
      "/librarian — talk to a librarian",
      "/language — change language (Indonesia/English)",
    ]);
    expect(BOT_COMMANDS.id.map((c) => c.command)).to.deep.equal([
      "start",
      "pinjaman",
      "perpanjang",
      "denda",
      "pengingat",
      "tautkan",
      "jam",
      "bantuan",
      "pustakawan",
      "bahasa",
    ]);
    expect(BOT_COMMANDS.en[1]).to.deep.equal({ command: "loans", description: "My loans and due dates" });
  });

  it("offers the same menu as buttons, two a row, each typing its command in the patron's language", () => {
    for (const lang of ["id", "en"] as const) {
      const rows = ANSWER_REGISTRY.menuButtons(lang);
      expect(rows.every((row) => row.length <= 2)).to.equal(true);
      const commands = ANSWER_REGISTRY.helpMenu(lang)
        .split("\n")
        .slice(1)
        .map((line) => line.split(" ")[0]);
      expect(rows.flat().map((b) => b.data)).to.deep.equal(commands);
    }
    expect(ANSWER_REGISTRY.menuButtons("en")[0]![0]).to.deep.equal({
      text: "My loans and due dates",
      data: "/loans",
    });
  });

  it("every dialog step has exactly one owner, the answer that declared it", () => {
    const declared = ANSWER_LIST.flatMap((a) => (a.dialogSteps ?? []).map((step) => [step, a.name] as const));
    expect(declared.map(([step]) => step)).to.have.members([
      "link_contact",
      "link_member_id",
      "link_password",
      "renew_pick",
      "renew_confirm",
    ]);
    for (const [step, owner] of declared) expect(dialogOwner({ step })).to.equal(owner);
    expect(dialogOwner({ step: "nobody_asked" })).to.equal(undefined);
    expect(() =>
      buildRegistry([
        defineAnswer({ name: "a", dialogSteps: ["pick"], answer: silentAnswer }),
        defineAnswer({ name: "b", dialogSteps: ["pick"], answer: silentAnswer }),
      ]),
    ).to.throw(AnswerListError, 'dialog step "pick" is owned by "a" and "b"');
  });

  it("no two answers claim the same command word", () => {
    const declared = ANSWER_LIST.flatMap(({ commands: c = {} }) =>
      [c.id, c.en, ...Object.keys(c.aliases ?? {})].filter(Boolean),
    );
    expect(new Set(declared).size).to.equal(declared.length);
    expect(ANSWER_REGISTRY.commands.size).to.equal(declared.length);
    expect(() =>
      buildRegistry([
        defineAnswer({ name: "a", commands: { id: "jam" }, answer: silentAnswer }),
        defineAnswer({ name: "b", commands: { aliases: { jam: null } }, answer: silentAnswer }),
      ]),
    ).to.throw(AnswerListError, '"/jam" is claimed by "a" and "b"');
    expect(() =>
      buildRegistry([defineAnswer({ name: "a", commands: { en: "Not-A-Word" }, answer: silentAnswer })]),
    ).to.throw(AnswerListError, "is not a command word");
  });

  it("intents with cues have distinct precedences, in today's order", () => {
    expect(ANSWER_REGISTRY.intents.map((i) => i.name)).to.deep.equal([
      "librarian",
      "unlink",
      "howto",
      "link",
      "renew",
      "fines",
      "reminders",
      "loans",
      "language",
      "hours",
      "help",
      "thanks",
      "greeting",
      "acknowledgment",
    ]);
    const precedences = ANSWER_LIST.flatMap((a) => (a.intent ? [a.intent.precedence] : []));
    expect(new Set(precedences).size).to.equal(precedences.length);
    expect(() =>
      buildRegistry([
        defineAnswer({ name: "a", intent: { precedence: 5, cues: [cue("x", 2)] }, answer: silentAnswer }),
        defineAnswer({ name: "b", intent: { precedence: 5, cues: [cue("y", 2)] }, answer: silentAnswer }),
      ]),
    ).to.throw(AnswerListError, '"a" and "b" have the same precedence 5');
  });

  it("refuses a menu entry without a command word, and a router without its fixed answers", () => {
    const menu = { order: 1, commandList: { id: "Tanya", en: "Ask" } };
    expect(() =>
      buildRegistry([defineAnswer({ name: "a", commands: { id: "tanya" }, menu, answer: silentAnswer })]),
    ).to.throw(AnswerListError, '"a" is in the menu but has no "en" command word');
    expect(() => routerFor(buildRegistry([defineAnswer({ name: "a", answer: silentAnswer })]))).to.throw(
      AnswerListError,
      'the router needs an answer named "silent"',
    );
  });

  it("makes a missing piece of a manifest a type error", () => {
    // These lines compile only because each is expected to fail type checking (npm run typecheck).
    // @ts-expect-error: cues without a precedence
    defineAnswer({ name: "a", intent: { cues: [cue("x", 2)] }, answer: silentAnswer });
    // @ts-expect-error: a menu entry without its English "/" menu description
    defineAnswer({ name: "a", menu: { order: 1, commandList: { id: "Tanya" } }, answer: silentAnswer });
    // @ts-expect-error: a command word's language must be one the bot speaks (or null)
    defineAnswer({ name: "a", commands: { aliases: { ask: "fr" } }, answer: silentAnswer });
  });
});

describe("answer list: adding an answer is one definition and one entry", () => {
  // A throwaway answer (a glossary), as its own file would declare it; the FAQ is a real one now.
  const faq = defineAnswer({
    name: "glossary",
    commands: { id: "istilah", en: "glossary" },
    menu: {
      order: 65,
      help: { id: "arti istilah perpustakaan", en: "library terms explained" },
      commandList: { id: "Istilah", en: "Glossary" },
    },
    intent: { precedence: 85, cues: [cue("arti istilah", 3, "id"), cue("glossary", 3, "en")] },
    answer: (ctx) => ({ replies: [{ text: ctx.lang === "en" ? "Glossary" : "Daftar istilah" }] }),
  });
  const registry = buildRegistry([...ANSWER_LIST, faq]);
  const router = routerFor(registry);

  it("routes its commands and its cues to it", () => {
    expect(router.route(text("/istilah"))).to.deep.equal({ answer: "glossary", args: "", lang: "id" });
    expect(router.route(text("/glossary@pustaka_bot umum"))).to.deep.equal({
      answer: "glossary",
      args: "umum",
      lang: "en",
    });
    expect(router.route(text("apa arti istilah ini"))).to.include({ answer: "glossary", lang: "id" });
    // The rest of the list routes as before.
    expect(router.route(text("jam buka perpustakaan?")).answer).to.equal("hours");
  });

  it("shows it in the help menu (and so in /start, /bantuan and 'not understood') and in the '/' menu", async () => {
    const lines = registry.helpMenu("id").split("\n");
    expect(lines.indexOf("/istilah — arti istilah perpustakaan")).to.equal(
      lines.indexOf("/jam — jam layanan perpustakaan") + 1,
    );
    const help = await registry.answers.help.answer(contextIn("en"));
    expect(help.replies[0]!.text).to.contain("/glossary — library terms explained");
    const welcome = await registry.answers.start.answer(contextIn("id"));
    expect(welcome.replies[0]!.text).to.contain("/istilah — arti istilah perpustakaan");
    expect(registry.botCommands.en.map((c) => c.command)).to.include("glossary");
    expect(await registry.answers.glossary.answer(contextIn("id"))).to.deep.equal({
      replies: [{ text: "Daftar istilah" }],
    });
  });

  it("leaves the relay's own list as it is", async () => {
    expect(route(text("/istilah")).answer).to.equal("unknown");
    const help = await ANSWERS.help.answer(contextIn("id"));
    expect(help.replies[0]!.text).to.not.contain("/istilah");
  });
});

describe("answer list: the librarian answer", () => {
  it("runs when the handoff lets the route through: a closed conversation's pending /pustakawan", async () => {
    // A quick "/selesai" then "/pustakawan" land in one conversation; the first closes it, and the
    // handoff takes nothing from a closed conversation, so the bot's own answer replies.
    expect(
      handoffStep({ state: "closed", answer: "librarian", text: "/pustakawan", unknownStreak: 0 }),
    ).to.equal(null);
    expect(route(text("/pustakawan")).answer).to.equal("librarian");
    const reply = await ANSWERS.librarian.answer({
      ...contextIn("en"),
      library: {
        name: "Perpustakaan",
        timeZone: "Asia/Jakarta",
        hours: {} as never,
        contact: "lib@example.id",
      },
    });
    expect(reply.replies[0]!.text).to.contain("lib@example.id");
    expect(reply.replies[0]!.text, "how to reach a librarian now").to.contain("type /librarian again");
  });
});
