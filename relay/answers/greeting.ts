/**
 * Small talk: greetings, thanks and acknowledgments get a short, friendly answer, never the menu
 * (that is /start's and /bantuan's). A greeting inside a longer message is not a greeting
 * (`halfWeightOver`), so "halo, besok buka?" is answered as the question it is.
 */
import { smallTalkTexts, type DayPart } from "../../shared/texts";
import { ANY_EMOJI, cue, matches, matchIntent, tokens, type Cue } from "../intents";
import { defineAnswer } from "./answer";

const SALAM: readonly Cue[] = [
  cue("assalamualaikum", 2, "id"),
  cue("assalamu alaikum", 2, "id"),
  cue("asalamualaikum", 2, "id"),
  cue("aslm", 2, "id"),
  cue("aslmkm", 2, "id"),
  cue("salam sejahtera", 2, "id"),
];

/** Each part of the day, with the words that greet with it. */
const DAY_PARTS: Record<DayPart, readonly Cue[]> = {
  morning: [cue("pagi", 2, "id"), cue("good morning", 2, "en"), cue("morning", 2, "en")],
  midday: [cue("siang", 2, "id")],
  afternoon: [cue("sore", 2, "id"), cue("good afternoon", 2, "en"), cue("afternoon", 2, "en")],
  evening: [cue("malam", 2, "id"), cue("good evening", 2, "en"), cue("evening", 2, "en")],
};

const HELLO: readonly Cue[] = [
  cue("halo", 2, "id"),
  cue("hallo", 2, "id"),
  cue("hai", 2, "id"),
  cue("helo", 2),
  cue("permisi", 1.5, "id"),
  cue("hello", 2, "en"),
  cue("hi", 2, "en"),
  cue("hey", 2, "en"),
  cue("👋", 2),
];

/** Which kind of greeting a message is: a salam is answered with a salam, "pagi" with "selamat pagi". */
const GREETING_KINDS = [
  { name: "salam" as const, cues: SALAM },
  ...Object.entries(DAY_PARTS).map(([part, cues]) => ({ name: part as DayPart, cues })),
  { name: "hello" as const, cues: HELLO },
];

export const greeting = defineAnswer({
  name: "greeting",
  intent: {
    precedence: 110,
    cues: GREETING_KINDS.flatMap((kind) => kind.cues),
    // Long messages that merely contain a greeting are not greetings.
    halfWeightOver: 4,
  },
  answer: (ctx) => {
    const kind = matchIntent(ctx.text, GREETING_KINDS)?.intent ?? "hello";
    const text =
      kind === "salam"
        ? smallTalkTexts.salam(ctx.lang, ctx.patronName)
        : kind === "hello"
          ? smallTalkTexts.hello(ctx.lang, ctx.patronName)
          : smallTalkTexts.dayPart(ctx.lang, kind, ctx.patronName);
    return { replies: [{ text, meta: { smallTalk: kind } }] };
  },
});

export const thanks = defineAnswer({
  name: "thanks",
  intent: {
    precedence: 100,
    // One cue per way of saying it: typo tolerance already covers "makasi", "thank" (cues would add up).
    cues: [
      cue("terima kasih", 3, "id"),
      cue("terimakasih", 3, "id"),
      cue("makasih", 3, "id"),
      cue("mksh", 3, "id"),
      cue("trims", 2.5, "id"),
      cue("tq", 2.5),
      cue("tks", 2.5),
      cue("tengkyu", 2.5),
      cue("nuhun", 2.5, "id"),
      cue("thanks", 3, "en"),
      cue("thank you", 3, "en"),
      cue("thankyou", 3, "en"),
      cue("thx", 2.5, "en"),
      cue("ty", 2.5, "en"),
      // Folded hands often says thanks; as heavy as a question word, so "🙏 besok buka?" is the question.
      cue("🙏", 2),
    ],
    halfWeightOver: 5,
  },
  answer: (ctx) => ({ replies: [{ text: smallTalkTexts.thanks(ctx.lang), meta: { smallTalk: "thanks" } }] }),
});

/** "ok", "sip", "siap", "noted", "👍", any emoji on its own: acknowledged, briefly. */
export const acknowledgment = defineAnswer({
  name: "acknowledgment",
  intent: {
    precedence: 120,
    cues: [
      ...[
        "ok",
        "oke",
        "okey",
        "okay",
        "okee",
        "okeh",
        "okok",
        "oce",
        "sip",
        "sipp",
        "siip",
        "siap",
        "baik",
      ].map((w) => cue(w, 2)),
      cue("baiklah", 2, "id"),
      cue("mantap", 2, "id"),
      cue("paham", 2, "id"),
      cue("mengerti", 2, "id"),
      cue("oh gitu", 2, "id"),
      cue("oh begitu", 2, "id"),
      cue("noted", 2, "en"),
      cue("alright", 2, "en"),
      cue("got it", 2, "en"),
      cue("cool", 2, "en"),
      cue("great", 2, "en"),
      cue("nice", 2, "en"),
      cue(ANY_EMOJI, 2),
    ],
    // "ok, besok buka?" is a question: more than three words and the acknowledgment scores half.
    halfWeightOver: 3,
    smallTalk: true,
  },
  answer: (ctx) => {
    // An emoji alone may be anything (😂, 😢): answered kindly, without reading a mood into it.
    // 👍 👌 ✅ say "ok".
    const words = tokens(ctx.text);
    const onlyEmoji = words.every((w) => matches(w, ANY_EMOJI) && !OK_EMOJI.has(w));
    return onlyEmoji
      ? { replies: [{ text: smallTalkTexts.emoji(ctx.lang), meta: { smallTalk: "emoji" } }] }
      : { replies: [{ text: smallTalkTexts.ack(ctx.lang), meta: { smallTalk: "ack" } }] };
  },
});

const OK_EMOJI = new Set(["👍", "👌", "✅", "🆗"]);
