/**
 * What the library says first (issue 14, docs/reminders.md): the /pengingat opt-in dialog, due-date
 * reminders and the frame of an announcement. Bahasa Indonesia by default, English when the patron
 * prefers it. Dates arrive as YYYY-MM-DD in the library's time zone.
 */
import type { Language } from "../envelope";
import { formatDate } from "./library";

const t = (lang: Language, id: string, en: string) => (lang === "en" ? en : id);

/** "A", "B" dan "C" */
function quoted(titles: readonly string[], and: string): string {
  const q = titles.map((title) => `"${title}"`);
  return q.length <= 1 ? (q[0] ?? "") : `${q.slice(0, -1).join(", ")} ${and} ${q.at(-1)!}`;
}

/** The command words, as the patron types them in each language. */
const cmd = (lang: Language) => t(lang, "/pengingat", "/reminders");

export const reminderTexts = {
  needLink: (lang: Language) =>
    t(
      lang,
      "Pengingat jatuh tempo dan pengumuman hanya untuk anggota yang sudah menautkan akunnya. Ketik /tautkan untuk menautkan akun anggota perpustakaan Anda, lalu ketik /pengingat on.",
      "Due-date reminders and announcements are for linked members only. Type /link to link your library membership, then type /reminders on.",
    ),
  status: (lang: Language, enabled: boolean) =>
    enabled
      ? t(
          lang,
          `Pengingat Anda AKTIF: kami mengirim pengingat sebelum buku jatuh tempo, pada hari pertama keterlambatan, dan pengumuman perpustakaan. Ketik ${cmd(lang)} off untuk mematikannya.`,
          `Your reminders are ON: we send a reminder before a loan is due, on its first overdue day, and library announcements. Type ${cmd(lang)} off to turn them off.`,
        )
      : t(
          lang,
          `Pengingat Anda MATI. Ketik ${cmd(lang)} on untuk menerima pengingat sebelum buku jatuh tempo, pada hari pertama keterlambatan, dan pengumuman perpustakaan.`,
          `Your reminders are OFF. Type ${cmd(lang)} on to get a reminder before a loan is due, on its first overdue day, and library announcements.`,
        ),
  turnedOn: (lang: Language) =>
    t(
      lang,
      `Pengingat diaktifkan. Kami akan mengingatkan Anda sebelum buku jatuh tempo dan mengirim pengumuman perpustakaan. Ketik ${cmd(lang)} off kapan saja untuk mematikannya.`,
      `Reminders turned on. We will remind you before your loans are due and send library announcements. Type ${cmd(lang)} off at any time to turn them off.`,
    ),
  turnedOff: (lang: Language) =>
    t(
      lang,
      `Pengingat dimatikan. Anda tidak akan menerima pengingat atau pengumuman lagi. Ketik ${cmd(lang)} on untuk mengaktifkannya kembali.`,
      `Reminders turned off. You will get no more reminders or announcements. Type ${cmd(lang)} on to turn them back on.`,
    ),
  badArgument: (lang: Language) =>
    t(lang, `Ketik ${cmd(lang)} on atau ${cmd(lang)} off.`, `Type ${cmd(lang)} on or ${cmd(lang)} off.`),

  /** Loans due in `days` days (1: tomorrow), their titles. */
  dueSoon: (lang: Language, titles: readonly string[], dueDate: string, days: number) =>
    lang === "en"
      ? `Reminder: ${quoted(titles, "and")} ${titles.length === 1 ? "is" : "are"} due ${days === 1 ? "tomorrow" : `in ${days} days`}, on ${formatDate(lang, dueDate)}. Type /renew to renew by chat, or /loans to see all your loans.\n(Type /reminders off to stop reminders.)`
      : `Pengingat: ${quoted(titles, "dan")} jatuh tempo ${days === 1 ? "besok" : `${days} hari lagi`}, pada ${formatDate(lang, dueDate)}. Ketik /perpanjang untuk memperpanjang lewat chat, atau /pinjaman untuk melihat semua pinjaman Anda.\n(Ketik /pengingat off untuk berhenti menerima pengingat.)`,
  /** The first day after the due date. */
  overdue: (lang: Language, titles: readonly string[], dueDate: string) =>
    lang === "en"
      ? `${quoted(titles, "and")} ${titles.length === 1 ? "was" : "were"} due yesterday (${formatDate(lang, dueDate)}) and ${titles.length === 1 ? "is" : "are"} now overdue; a fine may be charged for each late day. Type /renew to renew by chat now, or return to the library.\n(Type /reminders off to stop reminders.)`
      : `${quoted(titles, "dan")} jatuh tempo kemarin (${formatDate(lang, dueDate)}) dan sekarang terlambat; denda dapat dikenakan untuk setiap hari keterlambatan. Ketik /perpanjang untuk memperpanjang lewat chat sekarang, atau kembalikan ke perpustakaan.\n(Ketik /pengingat off untuk berhenti menerima pengingat.)`,

  /** An announcement as the patron reads it: who says it, the admin's text. */
  announcement: (lang: Language, library: string, text: string) =>
    `${t(lang, "Pengumuman", "Announcement")} · ${library}\n\n${text}\n\n${t(lang, "(Ketik /pengingat off untuk berhenti menerima pengumuman.)", "(Type /reminders off to stop announcements.)")}`,
};
