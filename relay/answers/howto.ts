/**
 * How-to questions ("gmn cara pinjam buku?", "how do I renew", "bagaimana cara daftar jadi
 * anggota"): a short built-in answer per topic, not the member-data gate. A question about
 * loans is not a request for the patron's loans, so these cues pair a question word with the
 * topic and outweigh the loans/renew/fines cues on the same words.
 *
 * The topics are matched with the router's own matcher (relay/intents.ts `matchIntent`) over
 * `HOWTO_MATCHER`, a list shaped like any answer's intents: the FAQ issue replaces the built-in
 * list with librarian-edited entries of the same shape, and this answer stays as it is.
 */
import type { Language } from "../../shared/envelope";
import { howtoTexts, type HowtoTopic } from "../../shared/texts";
import { cue, matchIntent, type Cue, type IntentCues } from "../intents";
import { defineAnswer } from "./answer";

const QUESTION_ID = ["cara", "caranya", "bagaimana", "gimana", "gmn", "gmana", "bgmn", "bagaimanakah"];
const QUESTION_EN = ["how"];

/** "cara pinjam", "pinjam caranya", "how … borrow": each question word with each topic phrase. */
function howCues(id: readonly string[], en: readonly string[]): Cue[] {
  return [
    ...id.flatMap((topic) =>
      QUESTION_ID.flatMap((q) => [cue(`${q} ${topic}`, 4.5, "id"), cue(`${topic} ${q}`, 4.5, "id")]),
    ),
    ...en.flatMap((topic) => QUESTION_EN.map((q) => cue(`${q} ${topic}`, 4.5, "en"))),
  ];
}

interface HowtoEntry extends IntentCues<HowtoTopic> {
  /** the command that does what the answer explains (its button), in the patron's language */
  action: Record<Language, string>;
}

export const HOWTO_MATCHER: readonly HowtoEntry[] = [
  {
    name: "borrow",
    action: { id: "/pinjaman", en: "/loans" },
    cues: [
      ...howCues(["pinjam", "minjam", "meminjam", "peminjaman"], ["borrow", "check out"]),
      // "mau pinjam buku" (I want to borrow a book) asks how, not for the patron's loans
      ...["mau", "ingin", "bisa", "boleh"].map((w) => cue(`${w} pinjam`, 4, "id")),
      cue("can i borrow", 4, "en"),
    ],
  },
  {
    name: "return",
    action: { id: "/jam", en: "/hours" },
    cues: howCues(["kembalikan", "mengembalikan", "pengembalian", "balikin"], ["return"]),
  },
  {
    name: "renew",
    action: { id: "/perpanjang", en: "/renew" },
    cues: howCues(["perpanjang", "memperpanjang", "perpanjangan"], ["renew", "extend"]),
  },
  {
    name: "join",
    action: { id: "/pustakawan", en: "/librarian" },
    cues: [
      ...howCues(
        ["daftar", "mendaftar", "jadi anggota", "menjadi anggota", "bikin kartu", "buat kartu"],
        ["join", "register", "become a member", "sign up", "get a library card"],
      ),
      cue("daftar anggota", 4, "id"),
      cue("pendaftaran anggota", 4, "id"),
    ],
  },
  {
    name: "fines",
    action: { id: "/denda", en: "/fines" },
    cues: [
      ...howCues(["bayar denda", "denda dihitung", "hitung denda"], ["pay fine", "pay fines", "fines work"]),
      cue("denda per hari", 5, "id"),
      cue("fine per day", 5, "en"),
    ],
  },
  {
    name: "link",
    action: { id: "/tautkan", en: "/link" },
    cues: howCues(["tautkan", "menautkan", "hubungkan akun"], ["link"]),
  },
];

export const howto = defineAnswer({
  name: "howto",
  intent: {
    // Before link (30), renew (40), fines (50) and loans (60): on a tie the how-to question wins.
    precedence: 25,
    cues: HOWTO_MATCHER.flatMap((entry) => entry.cues),
  },
  answer: (ctx) => {
    const match = matchIntent(ctx.text, HOWTO_MATCHER);
    const entry = HOWTO_MATCHER.find((e) => e.name === match?.intent) ?? HOWTO_MATCHER[0]!;
    const lang: Language = ctx.lang;
    return {
      replies: [
        {
          text: howtoTexts.answer(lang, entry.name),
          buttons: [[{ text: howtoTexts.actionButton(lang, entry.name), data: entry.action[lang] }]],
        },
      ],
    };
  },
});
