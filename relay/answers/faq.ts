/**
 * Answers from the library's FAQ (docs/faq.md): the routed question's confident entry in the
 * patron's language, or its two or three closest entries (and a librarian) as buttons — numbered
 * lines on channels without buttons. Each answer carries 👍/👎 buttons (`faq_rate`), and its reply
 * row records the entry and version that produced it (`meta.faq`). "/faq 12" answers entry 12
 * (what the buttons press); "/faq" alone lists the entries.
 */
import type { Button, Language } from "../../shared/envelope";
import type { Reply } from "../../shared/log/handling";
import type { FaqEntryView } from "../../shared/faq/store";
import { BUILTIN_PREFIX } from "../faq/builtins";
import { FAQ_PREFIX } from "../faq/service";
import { faqTexts, texts } from "../../shared/texts";
import { defineAnswer, type AnswerContext, type AnswerResult } from "./answer";

/** The built-in answers a "did you mean" list may offer, with the command its button types. */
const BUILTIN_CHOICES: Readonly<
  Record<string, { command: Record<Language, string>; label: Record<Language, string> }>
> = {
  hours: { command: { id: "/jam", en: "/hours" }, label: { id: "Jam layanan", en: "Service hours" } },
  loans: { command: { id: "/pinjaman", en: "/loans" }, label: { id: "Pinjaman saya", en: "My loans" } },
  renew: {
    command: { id: "/perpanjang", en: "/renew" },
    label: { id: "Perpanjang pinjaman", en: "Renew a loan" },
  },
  fines: { command: { id: "/denda", en: "/fines" }, label: { id: "Denda saya", en: "My fines" } },
};

function entryReply(entry: FaqEntryView, lang: Language, via: string): Reply {
  const rate = (r: 1 | -1): Button => ({
    text: r === 1 ? "👍" : "👎",
    data: `/faq_rate ${entry.id} ${entry.version} ${r}`,
  });
  return {
    text: entry.content[lang].answer,
    buttons: [[rate(1), rate(-1)]],
    meta: { faq: { entryId: entry.id, version: entry.version, slug: entry.slug, via } },
  };
}

const unknownResult = (ctx: AnswerContext): AnswerResult => ({
  replies: [{ text: texts.unknown(ctx.lang, ctx.unknownStreak > 0) }],
  understood: false,
});

export const faq = defineAnswer({
  name: "faq",
  commands: { aliases: { faq: null } },
  answer: async (ctx) => {
    const service = ctx.services.faq;
    if (!service) return unknownResult(ctx);
    const lang = ctx.lang;
    if (/^\d{1,9}$/.test(ctx.args)) {
      const entry = await service.entry(Number(ctx.args));
      return entry
        ? { replies: [entryReply(entry, lang, "choice")] }
        : { replies: [{ text: faqTexts.gone(lang) }] };
    }
    if (ctx.text.startsWith("/")) {
      const entries = (await service.published()).slice(0, 10);
      return {
        replies: [
          {
            text: faqTexts.list(lang),
            buttons: entries.map((e) => [{ text: e.content[lang].questions[0]!, data: `/faq ${e.id}` }]),
          },
        ],
      };
    }
    const verdict = await service.verdict(ctx.text);
    if (verdict.kind === "answer" && verdict.best.key.startsWith(FAQ_PREFIX)) {
      const entry = await service.entry(Number(verdict.best.key.slice(FAQ_PREFIX.length)));
      if (entry) {
        const reply = entryReply(entry, lang, "match");
        reply.meta = { faq: { ...(reply.meta!.faq as object), confidence: round(verdict.best.confidence) } };
        return { replies: [reply] };
      }
    }
    if (verdict.kind !== "close") return unknownResult(ctx);
    const choices: Button[][] = [];
    for (const c of verdict.candidates) {
      if (c.key.startsWith(FAQ_PREFIX)) {
        const entry = await service.entry(Number(c.key.slice(FAQ_PREFIX.length)));
        if (entry) choices.push([{ text: entry.content[lang].questions[0]!, data: `/faq ${entry.id}` }]);
      } else {
        const builtin = BUILTIN_CHOICES[c.key.slice(BUILTIN_PREFIX.length)];
        if (builtin) choices.push([{ text: builtin.label[lang], data: builtin.command[lang] }]);
      }
    }
    if (choices.length === 0) return unknownResult(ctx);
    choices.push([
      { text: faqTexts.librarianButton(lang), data: lang === "en" ? "/librarian" : "/pustakawan" },
    ]);
    return {
      replies: [
        {
          text: faqTexts.didYouMean(lang),
          buttons: choices,
          meta: {
            faqOffered: verdict.candidates.map((c) => ({ key: c.key, confidence: round(c.confidence) })),
          },
        },
      ],
    };
  },
});

/** 👍/👎 under an FAQ answer: "/faq_rate <entry> <version> <1|-1>". */
export const faqRating = defineAnswer({
  name: "faq_rating",
  commands: { aliases: { faq_rate: null } },
  answer: async (ctx) => {
    const m = /^(\d{1,9}) (\d{1,9}) (1|-1)$/.exec(ctx.args);
    if (!m || !ctx.services.faq) return unknownResult(ctx);
    const up = m[3] === "1";
    await ctx.services.faq.rate(Number(m[1]), Number(m[2]), ctx.messageId, up ? 1 : -1);
    return { replies: [{ text: faqTexts.rated(ctx.lang, up) }] };
  },
});

const round = (n: number) => Math.round(n * 100) / 100;
