/**
 * What the bot says about a patron's membership, loans, fines and renewals, in Bahasa
 * Indonesia and English. Dates arrive as YYYY-MM-DD (library time zone) and are shown as
 * "30 Nov 2026"; money as "Rp2.500".
 */
import type { Language } from "../envelope";
import type { Loan, RenewRefusal } from "../library/port";

const MONTHS: Record<Language, string[]> = {
  id: ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
  en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
};

export function formatDate(lang: Language, date: string | null, options: { year?: boolean } = {}): string {
  if (!date) return lang === "en" ? "unknown" : "tidak diketahui";
  const [y, m, d] = date.split("-");
  return `${Number(d)} ${MONTHS[lang][Number(m) - 1]}${options.year === false ? "" : ` ${y}`}`;
}

export const formatMoney = (amount: number) => `Rp${Math.round(amount).toLocaleString("id-ID")}`;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function dueNote(lang: Language, loan: Loan, today: string): string {
  if (loan.daysLate > 0) {
    return lang === "en"
      ? `OVERDUE ${plural(loan.daysLate, "day", "days")}`
      : `TERLAMBAT ${loan.daysLate} hari`;
  }
  if (!loan.dueDate) return "";
  const left = Math.round((Date.parse(loan.dueDate) - Date.parse(today)) / 86_400_000);
  if (left === 0) return lang === "en" ? "due today" : "hari ini";
  return lang === "en" ? `in ${plural(left, "day", "days")}` : `${left} hari lagi`;
}

export function loanLine(lang: Language, loan: Loan, index: number, today: string): string {
  const title = loan.title || loan.itemCode;
  return lang === "en"
    ? `${index}. ${title}\n   Item ${loan.itemCode} · borrowed ${formatDate(lang, loan.loanDate)}\n   Due ${formatDate(lang, loan.dueDate)} (${dueNote(lang, loan, today)}) · renewed ${loan.renewed} of ${loan.renewLimit}`
    : `${index}. ${title}\n   Kode ${loan.itemCode} · dipinjam ${formatDate(lang, loan.loanDate)}\n   Jatuh tempo ${formatDate(lang, loan.dueDate)} (${dueNote(lang, loan, today)}) · diperpanjang ${loan.renewed} dari ${loan.renewLimit} kali`;
}

const REFUSALS: Record<Language, Record<RenewRefusal, string>> = {
  id: {
    reserved: "sedang dipesan (reservasi) oleh anggota lain",
    limit_reached: "batas perpanjangan sudah tercapai",
    renewed_today: "sudah diperpanjang hari ini",
    membership_expired: "masa keanggotaan Anda sudah berakhir",
    member_pending: "keanggotaan Anda sedang ditangguhkan; silakan hubungi pustakawan",
    not_on_loan: "buku ini tidak sedang Anda pinjam",
    overdue_not_allowed:
      "pinjaman yang terlambat tidak dapat diperpanjang lewat chat; silakan hubungi pustakawan",
  },
  en: {
    reserved: "another member has reserved this copy",
    limit_reached: "the renewal limit has been reached",
    renewed_today: "it was already renewed today",
    membership_expired: "your membership has expired",
    member_pending: "your membership is on hold; please contact a librarian",
    not_on_loan: "you do not have this item on loan",
    overdue_not_allowed: "overdue loans cannot be renewed by chat; please contact a librarian",
  },
};

export const refusal = (lang: Language, reason: RenewRefusal) => REFUSALS[lang][reason];

const t = (lang: Language, id: string, en: string) => (lang === "en" ? en : id);

export const libraryTexts = {
  needLink: (lang: Language) =>
    t(
      lang,
      "Untuk melihat data keanggotaan, tautkan dulu akun anggota perpustakaan Anda: ketik /tautkan.",
      "To see your membership data, first link your library membership: type /link.",
    ),
  alreadyLinked: (lang: Language, name: string, id: string) =>
    t(
      lang,
      `Akun Anda sudah tertaut ke anggota ${name} (${id}). Ketik /lepas untuk melepas tautan.`,
      `Your account is already linked to member ${name} (${id}). Type /unlink to remove the link.`,
    ),
  askContact: (lang: Language) =>
    t(
      lang,
      "Untuk memastikan ini Anda, bagikan nomor telepon Anda dengan tombol di bawah (harus nomor Anda sendiri). Atau ketik nomor anggota (NIM/NIP) Anda.",
      "To make sure it is you, share your phone number with the button below (it must be your own). Or type your member ID.",
    ),
  /** where the channel has no "share my number" button (WhatsApp without a number, web chat) */
  askMemberIdOnly: (lang: Language) =>
    t(
      lang,
      "Untuk memastikan ini Anda, ketik nomor anggota (NIM/NIP) Anda.",
      "To make sure it is you, please type your member ID.",
    ),
  notOwnContactTypeId: (lang: Language) =>
    t(
      lang,
      "Itu bukan nomor Anda sendiri. Ketik nomor anggota (NIM/NIP) Anda.",
      "That is not your own number. Please type your member ID.",
    ),
  contactButton: (lang: Language) => t(lang, "📱 Bagikan nomor saya", "📱 Share my number"),
  notOwnContact: (lang: Language) =>
    t(
      lang,
      'Itu bukan nomor Anda sendiri. Gunakan tombol "Bagikan nomor saya", atau ketik nomor anggota Anda.',
      'That is not your own number. Use the "Share my number" button, or type your member ID.',
    ),
  askMemberId: (lang: Language, found: number) =>
    found === 0
      ? t(
          lang,
          "Nomor telepon Anda belum terdaftar pada data anggota. Ketik nomor anggota (NIM/NIP) Anda.",
          "Your phone number is not in our member records. Please type your member ID.",
        )
      : t(
          lang,
          "Nomor telepon itu terdaftar pada lebih dari satu anggota. Ketik nomor anggota (NIM/NIP) Anda.",
          "That phone number belongs to more than one member. Please type your member ID.",
        ),
  /** an unlinked patron typed a member ID unasked: the password step follows in the same message */
  confirmMemberId: (lang: Language, id: string) =>
    t(
      lang,
      `Apakah ${id} nomor anggota Anda? Mari tautkan akun Anda.`,
      `Is ${id} your member ID? Let's link your account.`,
    ),
  confirmPhone: (lang: Language) =>
    t(
      lang,
      "Nomor telepon itu terdaftar pada data anggota. Apakah itu nomor Anda? Mari tautkan akun Anda.",
      "That phone number is in our member records. Is it yours? Let's link your account.",
    ),
  notMineButton: (lang: Language) => t(lang, "Bukan, batalkan", "No, cancel"),
  unknownMemberId: (lang: Language) =>
    t(
      lang,
      "Nomor anggota itu tidak ditemukan. Periksa kembali lalu ketik lagi, atau /batal.",
      "That member ID was not found. Check it and type it again, or /cancel.",
    ),
  askPassword: (lang: Language) =>
    t(
      lang,
      "Sekarang ketik kata sandi OPAC Anda (kata sandi untuk masuk ke katalog online). Pesan itu akan kami hapus dari chat dan tidak disimpan.",
      "Now type your OPAC password (the one you use for the online catalogue). We will delete that message from the chat and not store it.",
    ),
  /** where the bot cannot delete the patron's message (WhatsApp) */
  askPasswordUndeletable: (lang: Language) =>
    t(
      lang,
      "Sekarang ketik kata sandi OPAC Anda (kata sandi untuk masuk ke katalog online). Kami tidak menyimpannya, tetapi tidak dapat menghapus pesan Anda: hapuslah sendiri dari chat setelah terkirim.",
      "Now type your OPAC password (the one you use for the online catalogue). We do not store it, but we cannot delete your message: please delete it from the chat yourself once it is sent.",
    ),
  passwordLost: (lang: Language) =>
    t(
      lang,
      "Maaf, kata sandi tidak terbaca. Silakan ketik sekali lagi.",
      "Sorry, we could not read the password. Please type it once more.",
    ),
  wrongPassword: (lang: Language, left: number) =>
    t(
      lang,
      `Kata sandi tidak cocok. Sisa percobaan: ${left}. Ketik lagi, atau /batal.`,
      `The password does not match. Attempts left: ${left}. Type it again, or /cancel.`,
    ),
  /** to a member, on the chats they linked, when their account is being guessed at */
  guessAlert: (lang: Language, memberId: string) =>
    t(
      lang,
      `Peringatan keamanan: ada yang berulang kali mencoba menautkan akun anggota ${memberId} dengan kata sandi OPAC yang salah, dari chat lain. Penautan baru ke akun ini dikunci selama 1 jam; tautan Anda di sini tetap berlaku. Jika itu bukan Anda, ganti kata sandi OPAC Anda atau hubungi pustakawan (/pustakawan).`,
      `Security notice: someone has repeatedly tried to link library membership ${memberId} with a wrong OPAC password, from another chat. New links to this membership are locked for 1 hour; your link here still works. If that was not you, change your OPAC password or ask a librarian (/librarian).`,
    ),
  lockedOut: (lang: Language, minutes: number) =>
    t(
      lang,
      `Terlalu banyak percobaan yang gagal. Demi keamanan, coba lagi dalam ${minutes} menit, atau minta bantuan pustakawan (/pustakawan).`,
      `Too many failed attempts. For your security, try again in ${minutes} minutes, or ask a librarian (/librarian).`,
    ),
  noPassword: (lang: Language) =>
    t(
      lang,
      "Anggota ini belum memiliki kata sandi OPAC, jadi tidak bisa diverifikasi lewat chat. Pustakawan dapat memverifikasi Anda: ketik /pustakawan.",
      "This member has no OPAC password, so we cannot verify you by chat. A librarian can verify you: type /librarian.",
    ),
  linked: (lang: Language, name: string, id: string) =>
    t(
      lang,
      `Berhasil! Akun Anda tertaut ke anggota ${name} (${id}). Coba /pinjaman, /denda, atau /perpanjang.`,
      `Done! Your account is linked to member ${name} (${id}). Try /loans, /fines or /renew.`,
    ),
  expiredNote: (lang: Language, date: string | null) =>
    t(
      lang,
      `Catatan: masa keanggotaan Anda berakhir pada ${formatDate(lang, date)}; pinjaman tidak dapat diperpanjang sampai keanggotaan diperbarui.`,
      `Note: your membership expired on ${formatDate(lang, date)}; loans cannot be renewed until it is renewed.`,
    ),
  pendingNote: (lang: Language) =>
    t(
      lang,
      "Catatan: keanggotaan Anda sedang ditangguhkan; silakan hubungi pustakawan.",
      "Note: your membership is on hold; please contact a librarian.",
    ),
  unlinked: (lang: Language) =>
    t(lang, "Tautan akun anggota sudah dilepas.", "Your membership link has been removed."),
  notLinked: (lang: Language) =>
    t(lang, "Akun Anda belum tertaut ke anggota mana pun.", "Your account is not linked to any member."),
  cancelled: (lang: Language) => t(lang, "Baik, dibatalkan.", "OK, cancelled."),
  noLoans: (lang: Language) => t(lang, "Anda tidak sedang meminjam buku.", "You have no items on loan."),
  loansTitle: (lang: Language, count: number, today: string) =>
    t(
      lang,
      `Pinjaman Anda saat ini (${count}), per ${formatDate(lang, today)}:`,
      `Your current loans (${count}), as of ${formatDate(lang, today)}:`,
    ),
  loansFooter: (lang: Language) => t(lang, "Ketik /perpanjang untuk memperpanjang.", "Type /renew to renew."),
  finesBalance: (lang: Language, balance: number) =>
    balance > 0
      ? t(
          lang,
          `Denda yang belum dibayar: ${formatMoney(balance)}.`,
          `Unpaid fines: ${formatMoney(balance)}.`,
        )
      : t(lang, "Tidak ada denda yang belum dibayar.", "You have no unpaid fines."),
  finesEstimate: (lang: Language, amount: number, lines: string[]) =>
    t(
      lang,
      `Perkiraan denda keterlambatan (belum ditagihkan; dihitung saat buku dikembalikan atau diperpanjang): ${formatMoney(amount)}\n${lines.join("\n")}`,
      `Estimated late fines (not charged yet; charged when the item is returned or renewed): ${formatMoney(amount)}\n${lines.join("\n")}`,
    ),
  estimateLine: (lang: Language, loan: Loan) =>
    t(
      lang,
      `• ${loan.title || loan.itemCode}: terlambat ${loan.daysLate} hari, ${loan.overdueDays} hari didenda × ${formatMoney(loan.finePerDay)}`,
      `• ${loan.title || loan.itemCode}: ${loan.daysLate} days late, ${loan.overdueDays} chargeable days × ${formatMoney(loan.finePerDay)}`,
    ),
  renewNothing: (lang: Language) =>
    t(lang, "Tidak ada pinjaman yang dapat diperpanjang saat ini:", "None of your loans can be renewed now:"),
  renewPick: (lang: Language) =>
    t(
      lang,
      "Pilih buku yang ingin diperpanjang (tekan tombol atau ketik nomornya):",
      "Choose the item to renew (press a button or type its number):",
    ),
  notRenewableLine: (lang: Language, title: string, reason: string) =>
    t(lang, `• ${title}: tidak dapat diperpanjang, ${reason}.`, `• ${title}: cannot be renewed, ${reason}.`),
  cancelButton: (lang: Language) => t(lang, "Batal", "Cancel"),
  confirmButton: (lang: Language) => t(lang, "Ya, perpanjang", "Yes, renew"),
  renewConfirm: (lang: Language, loan: Loan, fineNote: string) =>
    t(
      lang,
      `Perpanjang "${loan.title || loan.itemCode}" (jatuh tempo ${formatDate(lang, loan.dueDate)})? Jatuh tempo baru dihitung dari hari ini.${fineNote}`,
      `Renew "${loan.title || loan.itemCode}" (due ${formatDate(lang, loan.dueDate)})? The new due date counts from today.${fineNote}`,
    ),
  fineWillCharge: (lang: Language, amount: number) =>
    t(
      lang,
      ` Pinjaman ini terlambat; denda ${formatMoney(amount)} akan dicatat.`,
      ` This loan is overdue; a fine of ${formatMoney(amount)} will be recorded.`,
    ),
  fineWillWaive: (lang: Language, amount: number) =>
    t(
      lang,
      ` Pinjaman ini terlambat; denda ${formatMoney(amount)} dibebaskan sesuai kebijakan layanan.`,
      ` This loan is overdue; the ${formatMoney(amount)} fine is waived under the library's policy.`,
    ),
  renewed: (lang: Language, title: string, due: string) =>
    t(
      lang,
      `Berhasil diperpanjang: "${title}". Jatuh tempo baru: ${formatDate(lang, due)}.`,
      `Renewed: "${title}". New due date: ${formatDate(lang, due)}.`,
    ),
  fineCharged: (lang: Language, amount: number) =>
    t(
      lang,
      ` Denda keterlambatan ${formatMoney(amount)} telah dicatat.`,
      ` A late fine of ${formatMoney(amount)} was recorded.`,
    ),
  fineWaived: (lang: Language, amount: number) =>
    t(
      lang,
      ` Denda keterlambatan ${formatMoney(amount)} dibebaskan sesuai kebijakan layanan pandemi.`,
      ` The late fine of ${formatMoney(amount)} was waived under the library's pandemic policy.`,
    ),
  renewRefused: (lang: Language, title: string, reason: string) =>
    t(lang, `"${title}" tidak dapat diperpanjang: ${reason}.`, `"${title}" cannot be renewed: ${reason}.`),
  pickAgain: (lang: Language) =>
    t(
      lang,
      "Pilihan tidak dikenali. Tekan salah satu tombol, ketik nomornya, atau /batal.",
      "I did not recognise that choice. Press a button, type its number, or /cancel.",
    ),
};
