/** What the handoff tells patrons: queued, outside hours, ended, and the console's claim and close notices. */
import type { Language } from "../envelope";
import { formatMinutes } from "../time/service-hours";
import { dayName } from "./days";

/** When librarians answer: within service hours (until when), or when they are next. */
export type LibrariansWhen =
  | { open: true; until: number }
  | { open: false; next: { daysAhead: number; weekday: string; from: number } | null; date?: string };

/** "today", "tomorrow", "on Monday" (with the date when more than a week away) */
function dayWord(lang: Language, when: { daysAhead: number; weekday: string }, date?: string): string {
  const on = when.daysAhead > 6 && date ? ` ${date}` : "";
  if (when.daysAhead === 0) return lang === "en" ? "today" : "hari ini";
  if (when.daysAhead === 1) return lang === "en" ? "tomorrow" : "besok";
  return lang === "en"
    ? `on ${dayName(lang, when.weekday)}${on}`
    : `hari ${dayName(lang, when.weekday)}${on}`;
}

function nobodyOnline(lang: Language, when: LibrariansWhen): string {
  if (when.open)
    return lang === "en"
      ? `No librarian is online right now; they answer during service hours (today until ${formatMinutes(when.until)}). You can leave your question for them.`
      : `Saat ini belum ada pustakawan yang daring; mereka menjawab pada jam layanan (hari ini sampai pukul ${formatMinutes(when.until)}). Anda bisa meninggalkan pertanyaan untuk mereka.`;
  if (!when.next)
    return lang === "en"
      ? "No librarian is online right now. You can leave your question for them."
      : "Saat ini belum ada pustakawan yang daring. Anda bisa meninggalkan pertanyaan untuk mereka.";
  const day = dayWord(lang, when.next, when.date);
  const at = formatMinutes(when.next.from);
  return lang === "en"
    ? `No librarian is online now: we are outside service hours, and they answer again ${day} from ${at}. You can leave your question for them.`
    : `Saat ini belum ada pustakawan yang daring: di luar jam layanan; mereka menjawab kembali ${day} mulai pukul ${at}. Anda bisa meninggalkan pertanyaan untuk mereka.`;
}

/** While waiting, the bot still answers commands. */
const meanwhile = (lang: Language) =>
  lang === "en"
    ? "Meanwhile commands like /loans or /hours still work; /done leaves the queue."
    : "Sementara itu perintah seperti /pinjaman atau /jam tetap bisa dipakai; /selesai untuk keluar dari antrean.";

export const handoffTexts = {
  tooManyRequests: (lang: Language) =>
    lang === "en"
      ? "You have asked for a librarian several times in a short while. Please wait a few minutes and ask again; your messages are recorded, and you can also write your question here."
      : "Anda sudah beberapa kali meminta pustakawan dalam waktu singkat. Mohon tunggu beberapa menit lalu minta lagi; pesan Anda tetap dicatat, dan Anda juga bisa menulis pertanyaan Anda di sini.",
  /** asked for a librarian: now in the queue; who is there, and when they answer if nobody is */
  queued: (lang: Language, position: number, online: number, when: LibrariansWhen) => {
    const lead =
      lang === "en"
        ? "Sure, I am connecting you with a librarian."
        : "Baik, Anda sedang kami hubungkan dengan pustakawan.";
    if (!when.open && online === 0) return handoffTexts.outsideHours(lang, when.next, when.date);
    const until = when.open ? formatMinutes(when.until) : "";
    const where =
      lang === "en" ? `You are number ${position} in the queue.` : `Posisi Anda dalam antrean: ${position}.`;
    const who =
      online > 0
        ? lang === "en"
          ? `${online} librarian${online === 1 ? " is" : "s are"} online; please wait a moment.`
          : `${online} pustakawan sedang daring; mohon tunggu sebentar.`
        : lang === "en"
          ? `No librarian is online right now. Leave your question here: write it in this chat and it waits for them; they see it first when they sign in (service hours today until ${until}).`
          : `Saat ini belum ada pustakawan yang daring. Tinggalkan pertanyaan Anda di sini: tulis saja di chat ini dan pertanyaan itu menunggu mereka; pustakawan melihatnya pertama kali saat masuk (jam layanan hari ini sampai pukul ${until}).`;
    return `${lead} ${where} ${who}\n${meanwhile(lang)}`;
  },
  /** not understood a second time: a librarian or the menu (buttons); `null` in a group (menu only) */
  offer: (lang: Language, librarians: { online: number; when: LibrariansWhen } | null) => {
    const lead =
      lang === "en" ? "Sorry, I still did not understand." : "Maaf, saya masih belum memahami pesan Anda.";
    if (!librarians)
      return lang === "en"
        ? `${lead} Press Menu to see what I can do; for a librarian, write to me privately.`
        : `${lead} Tekan Menu untuk melihat apa saja yang bisa saya bantu; untuk bicara dengan pustakawan, kirim pesan pribadi kepada saya.`;
    const { online, when } = librarians;
    const ask =
      lang === "en"
        ? "Would you like to ask a librarian, or see what I can do?"
        : "Mau bertanya kepada pustakawan, atau lihat apa saja yang bisa saya bantu?";
    if (online > 0) return `${lead} ${ask}`;
    return `${lead} ${ask} ${nobodyOnline(lang, when)}`;
  },
  /** waiting: a message for the librarians was received; where the patron stands */
  waitingAck: (lang: Language, position: number, online: number, when: LibrariansWhen) => {
    const where =
      lang === "en"
        ? `Your message is with the librarians; you are number ${position} in the queue.`
        : `Pesan Anda sudah diteruskan ke pustakawan; posisi Anda dalam antrean: ${position}.`;
    const who =
      online > 0
        ? lang === "en"
          ? "A librarian is online and will answer here."
          : "Ada pustakawan yang daring dan akan menjawab di sini."
        : nobodyOnline(lang, when);
    return `${where} ${who}\n${meanwhile(lang)}`;
  },
  librarianButton: (lang: Language) => (lang === "en" ? "👤 Ask a librarian" : "👤 Tanya pustakawan"),
  menuButton: (lang: Language) => (lang === "en" ? "📋 Menu" : "📋 Menu"),
  backToBotButton: (lang: Language) => (lang === "en" ? "Back to the bot" : "Kembali ke bot"),
  outsideHours: (
    lang: Language,
    when: { daysAhead: number; weekday: string; from: number } | null,
    date?: string,
  ) => {
    const at = when ? formatMinutes(when.from) : "";
    const day = when ? dayWord(lang, when, date) : "";
    return lang === "en"
      ? `Our librarians are outside service hours now${when ? ` and answer again ${day} from ${at}` : ""}. Your message is kept in the queue as a follow-up: you do not need to send it again. Type /done to go back to the bot.`
      : `Saat ini di luar jam layanan pustakawan${when ? `; kami menjawab kembali ${day} mulai pukul ${at}` : ""}. Pesan Anda tetap kami simpan dalam antrean untuk ditindaklanjuti: tidak perlu dikirim ulang. Ketik /selesai untuk kembali ke layanan bot.`;
  },
  ended: (lang: Language) =>
    lang === "en"
      ? "The chat with the librarian has ended; you are back with the bot. Type /help for the menu."
      : "Chat dengan pustakawan telah selesai; Anda kembali dilayani bot. Ketik /bantuan untuk menu.",
  claimed: (lang: Language, name: string) =>
    lang === "en"
      ? `You are now chatting with librarian ${name}.`
      : `Anda sekarang terhubung dengan pustakawan ${name}.`,
  closedByLibrarian: (lang: Language) =>
    lang === "en"
      ? "The librarian has closed this chat. Thank you! Type /librarian whenever you need us again."
      : "Pustakawan telah menutup chat ini. Terima kasih! Ketik /pustakawan bila perlu bantuan lagi.",
};
