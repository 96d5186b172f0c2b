/**
 * The bot's general sentences: welcome and help, language, and what
 * it says when it cannot answer. Patron text is never interpolated as markup: replies are sent
 * as plain text.
 */
import type { Language, MessageKind } from "../envelope";

const KIND_NAMES: Record<Language, Partial<Record<MessageKind, string>>> = {
  id: {
    photo: "foto",
    document: "dokumen",
    voice: "pesan suara",
    audio: "audio",
    video: "video",
    video_note: "video",
    animation: "animasi",
    sticker: "stiker",
    location: "lokasi",
    venue: "lokasi",
    contact: "kontak",
    poll: "polling",
    dice: "dadu",
  },
  en: {
    photo: "photo",
    document: "document",
    voice: "voice message",
    audio: "audio",
    video: "video",
    video_note: "video",
    animation: "animation",
    sticker: "sticker",
    location: "location",
    venue: "location",
    contact: "contact",
    poll: "poll",
    dice: "dice",
  },
};

export const texts = {
  /** The title of the help menu; its lines come from the answers' menu entries (relay/answers/registry.ts). */
  menuTitle: (lang: Language) => (lang === "en" ? "What I can help with:" : "Yang bisa saya bantu:"),
  welcome: (lang: Language, name: string, library: string, menu: string) =>
    lang === "en"
      ? `Hello ${name}! Welcome to the ${library} chat service. All our services are online: ask here and we answer here.\n\n${menu}`
      : `Halo ${name}! Selamat datang di layanan chat ${library}. Semua layanan kami kini daring: tanyakan di sini, kami jawab di sini.\n\n${menu}`,
  help: (lang: Language, menu: string) =>
    lang === "en"
      ? `${menu}\n\nYou can also just write, e.g. "when are you open?". Every conversation here is recorded, as our service procedure requires.`
      : `${menu}\n\nAnda juga bisa menulis biasa, misalnya "jam buka perpustakaan?". Setiap percakapan di sini dicatat sesuai prosedur layanan kami.`,
  /** the language buttons: each language named in itself */
  languageNames: { id: "Bahasa Indonesia", en: "English" } as const,
  chooseLanguage: (lang: Language) =>
    lang === "en" ? "Choose your language / Pilih bahasa:" : "Pilih bahasa / Choose your language:",
  languageSet: (lang: Language) =>
    lang === "en" ? "Done: I will answer in English." : "Baik: saya akan menjawab dalam Bahasa Indonesia.",
  /** asked for a librarian in a chat that had just been closed (the next message opens a new one) */
  librarian: (lang: Language, contact: string | undefined) =>
    lang === "en"
      ? `This chat has just been closed. To talk to a librarian, type /librarian again.${contact ? ` You can also reach the library at ${contact}.` : ""}`
      : `Chat ini baru saja ditutup. Untuk bicara dengan pustakawan, ketik /pustakawan sekali lagi.${contact ? ` Anda juga dapat menghubungi perpustakaan melalui ${contact}.` : ""}`,
  /** how the bot addresses a patron whose channel gives no name */
  anonymousPatron: (lang: Language) => (lang === "en" ? "there" : "Kak"),
  /** short on purpose: the whole menu only on /start, /bantuan or when asked (issue 11) */
  unknown: (lang: Language, second: boolean) =>
    lang === "en"
      ? `Sorry, I did not understand that.${second ? " I am still learning." : ""} Try other words, e.g. "my loans" or "are you open tomorrow?", or type /help for everything I can do.`
      : `Maaf, saya belum memahami pesan itu.${second ? " Saya masih terus belajar." : ""} Coba dengan kata lain, misalnya "pinjaman saya" atau "besok buka?", atau ketik /bantuan untuk semua yang bisa saya bantu.`,
  nonText: (lang: Language, kind: MessageKind) => {
    const what = KIND_NAMES[lang][kind] ?? (lang === "en" ? "message" : "pesan");
    return lang === "en"
      ? `Thank you, your ${what} has been received and recorded. I can only read text messages, so please write your question. Type /help for the menu.`
      : `Terima kasih, ${what} Anda sudah kami terima dan dicatat. Saya hanya dapat membaca pesan teks, jadi silakan tuliskan pertanyaan Anda. Ketik /bantuan untuk menu.`;
  },
  edited: (lang: Language) =>
    lang === "en"
      ? "I see you edited a message. I only answer new messages, so please send your question again."
      : "Saya melihat Anda mengubah pesan. Saya hanya menjawab pesan baru, jadi silakan kirim ulang pertanyaan Anda.",
  tooLong: (lang: Language, max: number) =>
    lang === "en"
      ? `Your message is very long (over ${max} characters). It has been recorded; please send your question in a shorter message.`
      : `Pesan Anda sangat panjang (lebih dari ${max} karakter). Pesan sudah dicatat; silakan kirim pertanyaan Anda dalam pesan yang lebih singkat.`,
  privateOnly: (lang: Language) =>
    lang === "en"
      ? "Membership matters (loans, fines, renewals, linking) are handled only in a private chat. Please write to me privately."
      : "Urusan keanggotaan (pinjaman, denda, perpanjangan, penautan akun) hanya dilayani lewat chat pribadi. Silakan kirim pesan langsung kepada saya.",
  notWithLibrarian: (lang: Language) =>
    lang === "en"
      ? "You are chatting with the library's assistant now, not with a librarian. Type /librarian to talk to one, or /help for the menu."
      : "Saat ini Anda dilayani asisten otomatis, bukan pustakawan. Ketik /pustakawan untuk bicara dengan pustakawan, atau /bantuan untuk menu.",
  slowDown: (lang: Language) =>
    lang === "en"
      ? "You are sending messages faster than I can answer. Everything you send is recorded; I will answer again in a minute."
      : "Anda mengirim pesan lebih cepat daripada yang bisa saya jawab. Semua pesan Anda tetap dicatat; saya akan menjawab lagi dalam satu menit.",
  failed: (lang: Language) =>
    lang === "en"
      ? "Sorry, something went wrong while answering your message. It has been recorded; please try again in a moment."
      : "Maaf, terjadi gangguan saat menjawab pesan Anda. Pesan sudah dicatat; silakan coba lagi sebentar lagi.",
};
