/** The bot's command menu as channels show it (Telegram's "/" menu), per language. */
export const BOT_COMMANDS = {
  id: [
    { command: "start", description: "Mulai dan lihat menu" },
    { command: "pinjaman", description: "Pinjaman saya dan jatuh temponya" },
    { command: "perpanjang", description: "Perpanjang pinjaman" },
    { command: "denda", description: "Denda saya" },
    { command: "tautkan", description: "Tautkan akun anggota" },
    { command: "jam", description: "Jam layanan perpustakaan" },
    { command: "bantuan", description: "Panduan singkat" },
    { command: "pustakawan", description: "Bicara dengan pustakawan" },
    { command: "bahasa", description: "Ganti bahasa" },
  ],
  en: [
    { command: "start", description: "Start and see the menu" },
    { command: "loans", description: "My loans and due dates" },
    { command: "renew", description: "Renew a loan" },
    { command: "fines", description: "My fines" },
    { command: "link", description: "Link my library membership" },
    { command: "hours", description: "Library service hours" },
    { command: "help", description: "A short guide" },
    { command: "librarian", description: "Talk to a librarian" },
    { command: "language", description: "Change language" },
  ],
};
