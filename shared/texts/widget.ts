/**
 * The web chat widget's own labels (buttons, screen-reader names, notices), in Bahasa Indonesia
 * and English. The web role puts them into the widget script as data; the bot's sentences stay in
 * the other files here.
 */
import type { Language } from "../envelope";

export interface WidgetTexts {
  open: string;
  close: string;
  title: string;
  intro: string;
  messages: string;
  input: string;
  placeholder: string;
  send: string;
  you: string;
  library: string;
  masked: string;
  sending: string;
  offline: string;
  tooFast: string;
  tooLong: string;
  failed: string;
  /** the accessible name of a librarian's file link, before the file's name */
  download: string;
}

export const widgetTexts: Record<Language, WidgetTexts> = {
  id: {
    open: "Buka obrolan dengan perpustakaan",
    close: "Tutup obrolan",
    title: "Tanya Perpustakaan",
    intro: 'Tulis pertanyaan Anda, misalnya "jam buka". Ketik "pustakawan" untuk bicara dengan pustakawan.',
    messages: "Percakapan",
    input: "Tulis pesan",
    placeholder: "Tulis pesan…",
    send: "Kirim",
    you: "Anda",
    library: "Perpustakaan",
    masked: "•••••• (kata sandi disembunyikan)",
    sending: "mengirim…",
    offline: "Sambungan terputus, mencoba lagi…",
    tooFast: "Terlalu banyak pesan. Tunggu sebentar lalu kirim lagi.",
    tooLong: "Pesan terlalu panjang.",
    failed: "Pesan belum terkirim, akan dicoba lagi.",
    download: "Unduh berkas",
  },
  en: {
    open: "Open a chat with the library",
    close: "Close the chat",
    title: "Ask the Library",
    intro: 'Type your question, for example "opening hours". Type "librarian" to talk to a librarian.',
    messages: "Conversation",
    input: "Type a message",
    placeholder: "Type a message…",
    send: "Send",
    you: "You",
    library: "Library",
    masked: "•••••• (password hidden)",
    sending: "sending…",
    offline: "Connection lost, trying again…",
    tooFast: "Too many messages. Wait a moment, then send again.",
    tooLong: "That message is too long.",
    failed: "Not sent yet; it will be tried again.",
    download: "Download file",
  },
};
