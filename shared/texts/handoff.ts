/** What the handoff tells patrons: queued, outside hours, ended, and the console's claim and close notices. */
import type { Language } from "../envelope";
import { formatMinutes } from "../time/service-hours";
import { dayName } from "./days";

export const handoffTexts = {
  tooManyRequests: (lang: Language) =>
    lang === "en"
      ? "You have asked for a librarian several times in a short while. Please wait a few minutes and ask again; your messages are recorded, and you can also write your question here."
      : "Anda sudah beberapa kali meminta pustakawan dalam waktu singkat. Mohon tunggu beberapa menit lalu minta lagi; pesan Anda tetap dicatat, dan Anda juga bisa menulis pertanyaan Anda di sini.",
  queued: (lang: Language, position: number, online: number, notUnderstood: boolean) => {
    const lead =
      lang === "en"
        ? notUnderstood
          ? "Sorry, I still did not understand. I am passing you to a librarian."
          : "Sure, I am connecting you with a librarian."
        : notUnderstood
          ? "Maaf, saya masih belum memahami. Saya hubungkan Anda dengan pustakawan."
          : "Baik, Anda sedang kami hubungkan dengan pustakawan.";
    const where =
      lang === "en" ? `You are number ${position} in the queue.` : `Posisi Anda dalam antrean: ${position}.`;
    const who =
      online > 0
        ? lang === "en"
          ? `${online} librarian${online === 1 ? " is" : "s are"} online; please wait a moment.`
          : `${online} pustakawan sedang daring; mohon tunggu sebentar.`
        : lang === "en"
          ? "No librarian is online right now; your message stays in the queue and a librarian will answer here."
          : "Saat ini belum ada pustakawan yang daring; pesan Anda tetap dalam antrean dan pustakawan akan menjawab di sini.";
    const end =
      lang === "en" ? "Type /done to go back to the bot." : "Ketik /selesai untuk kembali ke layanan bot.";
    return `${lead} ${where} ${who}\n${end}`;
  },
  outsideHours: (
    lang: Language,
    when: { daysAhead: number; weekday: string; from: number } | null,
    date?: string,
  ) => {
    const at = when ? formatMinutes(when.from) : "";
    // More than a week away (a long holiday): the weekday alone would mislead; add the date.
    const on = when && when.daysAhead > 6 && date ? ` ${date}` : "";
    const day = when
      ? when.daysAhead === 0
        ? lang === "en"
          ? "today"
          : "hari ini"
        : when.daysAhead === 1
          ? lang === "en"
            ? "tomorrow"
            : "besok"
          : lang === "en"
            ? `on ${dayName(lang, when.weekday)}${on}`
            : `hari ${dayName(lang, when.weekday)}${on}`
      : "";
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
