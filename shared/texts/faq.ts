/** What the FAQ answer (relay/answers/faq.ts) says around an entry's own text. Plain text. */
import type { Language } from "../envelope";

export const faqTexts = {
  /** above the closest entries when none is a clear answer */
  didYouMean: (lang: Language) =>
    lang === "en"
      ? "I'm not sure I understood. Did you mean one of these?"
      : "Maaf, saya belum yakin maksudnya. Apakah salah satu dari ini?",
  librarianButton: (lang: Language) => (lang === "en" ? "Ask a librarian" : "Tanya pustakawan"),
  /** the "/faq" command with nothing after it */
  list: (lang: Language) =>
    lang === "en"
      ? "Frequently asked questions — pick one, or just type your question:"
      : "Pertanyaan yang sering diajukan — pilih salah satu, atau ketik saja pertanyaan Anda:",
  gone: (lang: Language) =>
    lang === "en"
      ? "That answer is no longer available. Please type your question again."
      : "Jawaban itu sudah tidak tersedia. Silakan ketik ulang pertanyaan Anda.",
  rated: (lang: Language, up: boolean) =>
    up
      ? lang === "en"
        ? "Thank you for the feedback!"
        : "Terima kasih atas penilaiannya!"
      : lang === "en"
        ? "Thank you — we will improve this answer. Type /librarian to ask a librarian."
        : "Terima kasih — jawaban ini akan kami perbaiki. Ketik /pustakawan untuk bertanya ke pustakawan.",
};
