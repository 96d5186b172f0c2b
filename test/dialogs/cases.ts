/**
 * Scripted conversations, written as data: what the patron types (or presses) and the kind of
 * answer they needed — not its wording, so the texts can improve without touching this list.
 * Run against the real relay with the demo library by dialogs.spec.ts, which scores how many
 * end as the patron needed.
 *
 * Kinds are the answer that handled the message (relay/answers: "hours", "howto", "loans", …)
 * or what the handoff did: "queued" (to the librarians' queue), "offer" (a librarian or the
 * menu, as buttons), "ack" (a waiting patron's message acknowledged), "quiet" (for the
 * librarians, nothing new to say), "in_queue" (where they stand), "ended" (back to the bot).
 *
 * `note` marks rows whose kind a parallel branch (issue 11's time and small-talk answers) is
 * about to give: they name the kind the patron needs, and fail until that lands.
 *
 * Dialogs link only the demo member 2021110001: other specs of the run search the shared
 * database for who is linked to 2020120002.
 */
export type Kind =
  | "start"
  | "help"
  | "hours"
  | "howto"
  | "loans"
  | "fines"
  | "renew"
  | "link"
  | "cancel"
  | "language"
  | "greeting"
  | "thanks"
  | "acknowledgment"
  | "unknown"
  | "private_only"
  | "queued"
  | "offer"
  | "ack"
  | "quiet"
  | "in_queue"
  | "ended";

export type Turn = { say: string; expect: Kind } | { press: string; expect: Kind };

export interface Dialog {
  name: string;
  /** the patron's client language (Telegram language_code); Indonesian when absent */
  lang?: "en";
  /** written in a group chat instead of a private one */
  group?: true;
  turns: Turn[];
  /** from issue 11's transcript */
  transcript?: true;
  note?: string;
}

export const DIALOGS: Dialog[] = [
  // ---- issue 11's transcript, row by row
  { name: "besok buka ga?", transcript: true, turns: [{ say: "besok buka ga?", expect: "hours" }] },
  {
    name: "is the library open on saturday?",
    transcript: true,
    lang: "en",
    turns: [{ say: "is the library open on saturday?", expect: "hours" }],
  },
  {
    name: "when do you close today?",
    transcript: true,
    lang: "en",
    turns: [{ say: "when do you close today?", expect: "hours" }],
  },
  {
    name: "gmn cara pinjam buku? (how to borrow, not the member-data gate)",
    transcript: true,
    turns: [{ say: "gmn cara pinjam buku?", expect: "howto" }],
  },
  {
    name: "ok after a menu",
    transcript: true,
    turns: [
      { say: "/start", expect: "start" },
      { say: "ok", expect: "acknowledgment" },
    ],
  },
  {
    name: "told to link, types the member ID, then the password",
    transcript: true,
    turns: [
      { say: "/pinjaman", expect: "loans" },
      { say: "2021110001", expect: "link" },
      { say: "demo1234", expect: "link" },
      { say: "/pinjaman", expect: "loans" },
    ],
  },
  {
    name: "waiting, nobody online: commands still answered, free text acknowledged once",
    transcript: true,
    turns: [
      { say: "/pustakawan", expect: "queued" },
      { say: "/pinjaman", expect: "loans" },
      { say: "/denda", expect: "fines" },
      { say: "perpanjang", expect: "renew" },
      { say: "hello? anyone there?", expect: "ack" },
      { say: "masih lama ya?", expect: "quiet" },
      { say: "/jam", expect: "hours" },
      { say: "/selesai", expect: "ended" },
    ],
  },
  {
    name: "bagaimana cara daftar jadi anggota",
    transcript: true,
    turns: [{ say: "bagaimana cara daftar jadi anggota", expect: "howto" }],
  },
  {
    name: "not understood twice: an offer, not a silent queue; pressing it queues",
    transcript: true,
    turns: [
      { say: "zxqv blorp", expect: "unknown" },
      { say: "qwrtp asdf", expect: "offer" },
      { press: "/pustakawan", expect: "queued" },
      { say: "halo? ada orang?", expect: "ack" },
    ],
  },

  // ---- service hours (Indonesian slang and typos, English)
  { name: "jam buka perpustakaan?", turns: [{ say: "jam buka perpustakaan?", expect: "hours" }] },
  { name: "typo: jam bukak brp", turns: [{ say: "jam bukak brp", expect: "hours" }] },
  { name: "kapan tutup hari ini", turns: [{ say: "kapan tutup hari ini", expect: "hours" }] },
  {
    name: "typo: perpustkaan buka sabtu gak",
    turns: [{ say: "perpustkaan buka sabtu gak", expect: "hours" }],
  },
  { name: "tanggal 25 buka?", turns: [{ say: "tanggal 25 buka?", expect: "hours" }] },
  { name: "jadwal minggu ini", turns: [{ say: "jadwal minggu ini", expect: "hours" }] },
  { name: "/jam", turns: [{ say: "/jam", expect: "hours" }] },
  {
    name: "what are your opening hours",
    lang: "en",
    turns: [{ say: "what are your opening hours", expect: "hours" }],
  },
  { name: "open this weekend?", lang: "en", turns: [{ say: "open this weekend?", expect: "hours" }] },

  // ---- how-to questions (intent before the gate)
  { name: "how do I renew", lang: "en", turns: [{ say: "how do I renew", expect: "howto" }] },
  {
    name: "how can i borrow a book",
    lang: "en",
    turns: [{ say: "how can i borrow a book", expect: "howto" }],
  },
  {
    name: "how do I join the library",
    lang: "en",
    turns: [{ say: "how do I join the library", expect: "howto" }],
  },
  { name: "cara perpanjang buku gmn", turns: [{ say: "cara perpanjang buku gmn", expect: "howto" }] },
  { name: "gimana cara bayar denda", turns: [{ say: "gimana cara bayar denda", expect: "howto" }] },
  { name: "cara balikin buku gimana", turns: [{ say: "cara balikin buku gimana", expect: "howto" }] },
  { name: "mau pinjam buku dong", turns: [{ say: "mau pinjam buku dong", expect: "howto" }] },
  {
    name: "bisa pinjam buku berapa lama?",
    turns: [{ say: "bisa pinjam buku berapa lama?", expect: "howto" }],
  },
  {
    name: "how-to, then its button",
    turns: [
      { say: "gmn caranya perpanjang?", expect: "howto" },
      { press: "/perpanjang", expect: "renew" },
    ],
  },

  // ---- member data (unlinked: the gate, answered by the answer asked for)
  { name: "pinjaman saya apa aja", turns: [{ say: "pinjaman saya apa aja", expect: "loans" }] },
  { name: "typo: pinjman sy", turns: [{ say: "pinjman sy", expect: "loans" }] },
  { name: "brp denda saya", turns: [{ say: "brp denda saya", expect: "fines" }] },
  { name: "my loans", lang: "en", turns: [{ say: "my loans", expect: "loans" }] },
  { name: "renew my book please", lang: "en", turns: [{ say: "renew my book please", expect: "renew" }] },
  { name: "typo: perpanjng buku", turns: [{ say: "perpanjng buku", expect: "renew" }] },
  { name: "/perpanjang unlinked", turns: [{ say: "/perpanjang", expect: "renew" }] },

  // ---- linking
  {
    name: "/tautkan, member ID, password, loans",
    turns: [
      { say: "/tautkan", expect: "link" },
      { say: "2021110001", expect: "link" },
      { say: "demo1234", expect: "link" },
      { say: "/pinjaman", expect: "loans" },
    ],
  },
  {
    name: "a phone number typed unasked, then the password",
    turns: [
      { say: "081234567801", expect: "link" },
      { say: "demo1234", expect: "link" },
      { say: "/denda", expect: "fines" },
    ],
  },
  {
    name: "a wrong password, then cancel",
    turns: [
      { say: "2021110001", expect: "link" },
      { say: "salah123", expect: "link" },
      { say: "/batal", expect: "cancel" },
    ],
  },
  {
    name: "a member ID after a not-understood message is still linking",
    turns: [
      { say: "asdfgh", expect: "unknown" },
      { say: "2021110001", expect: "link" },
    ],
  },
  {
    name: "the member ID inside a sentence, then the password",
    turns: [
      { say: "ini nim saya 2021110001", expect: "link" },
      { say: "demo1234", expect: "link" },
    ],
  },
  {
    name: "my member id is …, in English",
    lang: "en",
    turns: [{ say: "my member id is 2020120002", expect: "link" }],
  },
  {
    name: "link in English, member ID, password",
    lang: "en",
    turns: [
      { say: "link my account", expect: "link" },
      { say: "2021110001", expect: "link" },
      { say: "demo1234", expect: "link" },
    ],
  },

  // ---- greetings, thanks, small talk
  { name: "halo", turns: [{ say: "halo", expect: "greeting" }] },
  { name: "assalamualaikum", turns: [{ say: "assalamualaikum", expect: "greeting" }] },
  { name: "pagi kak", turns: [{ say: "pagi kak", expect: "greeting" }] },
  { name: "makasih kak", turns: [{ say: "makasih kak", expect: "thanks" }] },
  { name: "thank you!", lang: "en", turns: [{ say: "thank you!", expect: "thanks" }] },
  { name: "sip", turns: [{ say: "sip", expect: "acknowledgment" }] },
  { name: "emoji only", turns: [{ say: "👍", expect: "acknowledgment" }] },

  // ---- librarians
  {
    name: "asks for a librarian, then ends",
    turns: [
      { say: "saya mau bicara dengan pustakawan", expect: "queued" },
      { say: "/pustakawan", expect: "in_queue" },
      { say: "/selesai", expect: "ended" },
    ],
  },
  {
    name: "talk to a human, then done",
    lang: "en",
    turns: [
      { say: "talk to a human please", expect: "queued" },
      { say: "I need a reference for my thesis", expect: "ack" },
      { say: "/done", expect: "ended" },
    ],
  },
  {
    name: "not understood twice, then the menu button",
    lang: "en",
    turns: [
      { say: "blorp zxq", expect: "unknown" },
      { say: "qqqq wwww", expect: "offer" },
      { press: "/help", expect: "help" },
    ],
  },

  // ---- menus, language
  { name: "/help", lang: "en", turns: [{ say: "/help", expect: "help" }] },
  { name: "menu", turns: [{ say: "menu", expect: "help" }] },
  { name: "english please", turns: [{ say: "english please", expect: "language" }] },
  {
    name: "/bahasa, then a button",
    turns: [
      { say: "/bahasa", expect: "language" },
      { press: "/language en", expect: "language" },
    ],
  },

  // ---- group chats: member data private, never handed to librarians by a misunderstanding
  {
    name: "group: not understood again and again: the menu offered, nobody queued",
    group: true,
    turns: [
      { say: "zxqv blorp", expect: "unknown" },
      { say: "qwrtp", expect: "offer" },
      { say: "2021110001", expect: "offer" },
    ],
  },
  { name: "group: /pinjaman", group: true, turns: [{ say: "/pinjaman", expect: "private_only" }] },
];
