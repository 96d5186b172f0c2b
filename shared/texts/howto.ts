/**
 * Short built-in how-to answers (borrowing, returning, renewing by chat, joining, fines,
 * linking), until the FAQ exists: the FAQ issue makes these librarian-editable, keyed by the
 * same topic ids (relay/answers/howto.ts holds how a patron finds each topic).
 */
import type { Language } from "../envelope";

export const HOWTO_TOPICS = ["borrow", "return", "renew", "join", "fines", "link"] as const;
export type HowtoTopic = (typeof HOWTO_TOPICS)[number];

const HOWTO: Record<HowtoTopic, Record<Language, string>> = {
  borrow: {
    id: "Cara meminjam buku: ambil bukunya dari rak, lalu bawa ke meja sirkulasi bersama kartu anggota (KTM atau kartu pegawai). Petugas mencatat pinjaman dan memberi tahu tanggal jatuh temponya. Setelah akun Anda tertaut (/tautkan), pinjaman dan jatuh tempo bisa Anda lihat di sini dengan /pinjaman.",
    en: "How to borrow: take the book from the shelf and bring it to the circulation desk with your library card (student or staff card). The desk records the loan and tells you its due date. Once your account is linked (/link), you can see your loans and due dates here with /loans.",
  },
  return: {
    id: "Cara mengembalikan buku: serahkan bukunya di meja sirkulasi selama jam layanan (/jam). Bila terlambat, denda dihitung saat buku dikembalikan (/denda).",
    en: "How to return: hand the book in at the circulation desk during service hours (/hours). If it is late, the fine is charged when it is returned (/fines).",
  },
  renew: {
    id: "Perpanjang lewat chat: ketik /perpanjang, pilih bukunya, lalu konfirmasi. Akun anggota Anda perlu tertaut dulu (/tautkan). Buku yang sedang dipesan anggota lain atau sudah mencapai batas perpanjangan tidak bisa diperpanjang.",
    en: "Renew by chat: type /renew, choose the item, then confirm. Your membership needs to be linked first (/link). An item another member has reserved, or one at its renewal limit, cannot be renewed.",
  },
  join: {
    id: "Menjadi anggota: mahasiswa dan pegawai aktif biasanya sudah terdaftar, dengan NIM atau NIP sebagai nomor anggota. Bila belum, datang ke meja layanan dengan kartu identitas (KTM atau kartu pegawai) untuk didaftarkan. Pertanyaan lain tentang keanggotaan: /pustakawan.",
    en: "Joining the library: current students and staff are usually registered already, with their student or staff number as member ID. If you are not, bring your student or staff card to the service desk to be registered. Other membership questions: /librarian.",
  },
  fines: {
    id: "Denda keterlambatan dihitung per hari lewat jatuh tempo (hari libur perpustakaan tidak dihitung) dan dibayar di meja sirkulasi. Denda Anda sendiri: /denda.",
    en: "Late fines are counted per day past the due date (library holidays do not count) and paid at the circulation desk. Your own fines: /fines.",
  },
  link: {
    id: "Menautkan akun: ketik /tautkan, bagikan nomor telepon Anda dengan tombolnya atau ketik nomor anggota (NIM/NIP), lalu ketik kata sandi OPAC Anda. Pesan kata sandi dihapus dari chat dan tidak disimpan.",
    en: "Linking your account: type /link, share your phone number with its button or type your member ID, then type your OPAC password. The password message is deleted from the chat and never stored.",
  },
};

export const howtoTexts = {
  answer: (lang: Language, topic: HowtoTopic) => HOWTO[topic][lang],
  /** the button under an answer that does what it explains */
  actionButton: (lang: Language, topic: HowtoTopic) =>
    ({
      borrow: { id: "Pinjaman saya", en: "My loans" },
      return: { id: "Jam layanan", en: "Service hours" },
      renew: { id: "Perpanjang sekarang", en: "Renew now" },
      join: { id: "Tanya pustakawan", en: "Ask a librarian" },
      fines: { id: "Denda saya", en: "My fines" },
      link: { id: "Tautkan sekarang", en: "Link now" },
    })[topic][lang],
};
