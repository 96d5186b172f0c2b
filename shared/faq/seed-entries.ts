/**
 * The demo library's FAQ, seeded by migration 1765400000000-Faq (idempotently: an entry whose
 * slug exists is left as librarians edited it). Opening hours, loans, renewals, fines and the
 * librarian are built-in answers, not entries. Plain text only: answers reach patrons as typed.
 */
export interface SeedEntry {
  slug: string;
  id: { questions: string[]; answer: string };
  en: { questions: string[]; answer: string };
  keywords: string[];
}

export const SEED_ENTRIES: readonly SeedEntry[] = [
  {
    slug: "cara-pinjam",
    id: {
      questions: [
        "Bagaimana cara meminjam buku?",
        "Berapa buku yang boleh dipinjam?",
        "Berapa lama masa peminjaman?",
      ],
      answer:
        "Bawa buku dan kartu anggota (atau KTM) ke meja sirkulasi. Mahasiswa boleh meminjam 3 buku selama 7 hari, dosen 5 buku selama 14 hari. Koleksi referensi dan tugas akhir hanya dibaca di tempat.",
    },
    en: {
      questions: ["How do I borrow a book?", "How many books can I borrow?", "How long is the loan period?"],
      answer:
        "Bring the book and your library card (or student ID) to the circulation desk. Students may borrow 3 books for 7 days, lecturers 5 books for 14 days. Reference books and theses are for reading in the library only.",
    },
    keywords: ["pinjam", "sirkulasi", "borrow", "loan period", "batas pinjam"],
  },
  {
    slug: "keanggotaan",
    id: {
      questions: [
        "Bagaimana cara menjadi anggota perpustakaan?",
        "Syarat daftar anggota apa saja?",
        "Apakah umum bisa jadi anggota?",
      ],
      answer:
        "Mahasiswa dan dosen aktif otomatis menjadi anggota: aktifkan di meja layanan dengan KTM atau kartu pegawai. Masyarakat umum dapat mendaftar sebagai anggota luar dengan KTP, pas foto 3x4 dan biaya Rp50.000 per tahun.",
    },
    en: {
      questions: [
        "How do I become a library member?",
        "What are the membership requirements?",
        "Can the public join the library?",
      ],
      answer:
        "Active students and staff are members already: activate your membership at the service desk with your student or staff card. Members of the public can join as external members with an ID card, a 3x4 photo and Rp50,000 a year.",
    },
    keywords: ["anggota", "keanggotaan", "daftar", "member", "membership", "kartu anggota"],
  },
  {
    slug: "e-journal",
    id: {
      questions: [
        "Bagaimana cara akses e-journal dari luar kampus?",
        "Jurnal online bisa dibuka dari rumah?",
        "Cara login database jurnal langganan",
      ],
      answer:
        "E-journal langganan (ScienceDirect, ProQuest, IEEE, dll.) dapat dibuka dari luar kampus lewat https://ezproxy.library.example: masuk dengan akun SSO kampus. Di dalam kampus cukup tersambung ke Wi-Fi kampus.",
    },
    en: {
      questions: [
        "How can I access e-journals off campus?",
        "Can I read online journals from home?",
        "How do I log in to the journal databases?",
      ],
      answer:
        "Subscribed e-journals (ScienceDirect, ProQuest, IEEE, etc.) open off campus through https://ezproxy.library.example: sign in with your campus SSO account. On campus, just be on the campus Wi-Fi.",
    },
    keywords: [
      "jurnal",
      "e-journal",
      "ejournal",
      "database",
      "ezproxy",
      "remote access",
      "sciencedirect",
      "proquest",
    ],
  },
  {
    slug: "unggah-skripsi",
    id: {
      questions: [
        "Bagaimana aturan penyerahan skripsi ke perpustakaan?",
        "Cara upload tugas akhir ke repositori",
        "Format file skripsi yang diserahkan apa?",
      ],
      answer:
        "Unggah skripsi, tesis atau disertasi ke repositori (https://repository.library.example) dalam satu file PDF: halaman judul, abstrak, isi lengkap dan lembar persetujuan bertanda tangan. Serahkan juga satu eksemplar cetak berjilid ke bagian pengolahan. Verifikasi paling lama 3 hari kerja.",
    },
    en: {
      questions: [
        "What are the thesis submission rules?",
        "How do I upload my thesis to the repository?",
        "What file format should my final project be?",
      ],
      answer:
        "Upload your undergraduate thesis, master's thesis or dissertation to the repository (https://repository.library.example) as one PDF: title page, abstract, full text and the signed approval sheet. Also hand one bound printed copy to the processing unit. Verification takes up to 3 working days.",
    },
    keywords: [
      "skripsi",
      "tesis",
      "disertasi",
      "tugas akhir",
      "repositori",
      "thesis",
      "dissertation",
      "upload",
    ],
  },
  {
    slug: "bebas-pustaka",
    id: {
      questions: [
        "Bagaimana cara mengurus surat bebas pustaka?",
        "Syarat surat keterangan bebas pinjam untuk wisuda",
        "Berapa lama surat bebas pustaka jadi?",
      ],
      answer:
        "Surat bebas pustaka untuk wisuda diajukan lewat https://layanan.library.example setelah skripsi terverifikasi di repositori, semua pinjaman dikembalikan dan denda lunas. Surat terbit dalam 1 hari kerja dan dikirim ke email kampus.",
    },
    en: {
      questions: [
        "How do I get a library clearance letter for graduation?",
        "What do I need for the free-of-loan letter?",
        "How long does the clearance letter take?",
      ],
      answer:
        "The library clearance letter (surat bebas pustaka) for graduation is requested at https://layanan.library.example once your thesis is verified in the repository, every loan is returned and fines are paid. It is issued within 1 working day and sent to your campus email.",
    },
    keywords: ["bebas pustaka", "bebas pinjam", "wisuda", "clearance", "graduation", "yudisium"],
  },
  {
    slug: "cek-plagiasi",
    id: {
      questions: [
        "Bagaimana cara cek plagiasi skripsi?",
        "Perpustakaan melayani cek turnitin?",
        "Berapa batas similarity yang diterima?",
      ],
      answer:
        "Cek plagiasi (Turnitin) dilayani untuk sivitas akademika: kirim file Word atau PDF lewat https://layanan.library.example, hasil dikirim ke email dalam 2 hari kerja. Batas kemiripan untuk skripsi 25%, kecuali prodi menetapkan lain.",
    },
    en: {
      questions: [
        "How can I check my thesis for plagiarism?",
        "Does the library run Turnitin checks?",
        "What similarity score is accepted?",
      ],
      answer:
        "Plagiarism checks (Turnitin) are available to students and staff: send your Word or PDF file through https://layanan.library.example and the report reaches your email within 2 working days. The similarity limit for a thesis is 25% unless your department sets another.",
    },
    keywords: ["plagiasi", "plagiarisme", "turnitin", "similarity", "plagiarism", "kemiripan"],
  },
  {
    slug: "pinjam-ruang",
    id: {
      questions: [
        "Bagaimana cara booking ruang diskusi?",
        "Bisa pesan ruangan di perpustakaan?",
        "Ruang diskusi kelompok bisa dipakai berapa jam?",
      ],
      answer:
        "Ruang diskusi (4–8 orang) dipesan lewat https://ruang.library.example paling cepat 7 hari sebelumnya, maksimal 2 jam per hari per kelompok. Tunjukkan bukti pemesanan dan KTM di meja layanan lantai 2.",
    },
    en: {
      questions: [
        "How do I book a discussion room?",
        "Can I reserve a room in the library?",
        "How long can we use a group study room?",
      ],
      answer:
        "Discussion rooms (4–8 people) are booked at https://ruang.library.example up to 7 days ahead, at most 2 hours a day per group. Show the booking and your student ID at the 2nd-floor service desk.",
    },
    keywords: ["ruang", "ruangan", "booking", "pesan ruang", "room", "reserve", "diskusi", "study room"],
  },
  {
    slug: "cetak",
    id: {
      questions: [
        "Apakah bisa print di perpustakaan?",
        "Berapa biaya cetak per lembar?",
        "Di mana tempat mencetak dokumen?",
      ],
      answer:
        "Printer swalayan ada di lantai 1: cetak hitam-putih Rp500 per lembar, berwarna Rp2.000, dibayar dengan QRIS. Kirim file dari komputer perpustakaan atau lewat USB.",
    },
    en: {
      questions: [
        "Can I print in the library?",
        "How much does printing cost per page?",
        "Where can I print documents?",
      ],
      answer:
        "Self-service printers are on the 1st floor: black and white Rp500 a page, colour Rp2,000, paid with QRIS. Print from a library computer or from a USB stick.",
    },
    keywords: ["print", "cetak", "printer", "printing", "ngeprint"],
  },
  {
    slug: "buku-hilang",
    id: {
      questions: [
        "Buku yang saya pinjam hilang, bagaimana?",
        "Apa yang harus dilakukan kalau menghilangkan buku perpustakaan?",
        "Ganti rugi buku rusak",
      ],
      answer:
        "Laporkan ke meja sirkulasi secepatnya. Ganti dengan buku yang sama (judul dan edisi sama atau lebih baru); bila tidak tersedia, ganti rugi sebesar harga buku ditambah biaya proses Rp25.000. Denda keterlambatan berhenti dihitung sejak dilaporkan.",
    },
    en: {
      questions: [
        "I lost a library book, what should I do?",
        "What happens if I lose a book I borrowed?",
        "Replacing a damaged book",
      ],
      answer:
        "Tell the circulation desk as soon as you can. Replace it with the same book (same title, same or newer edition); if it is out of print, pay its price plus a Rp25,000 processing fee. Late fines stop counting from the day you report it.",
    },
    keywords: ["hilang", "rusak", "ganti rugi", "lost", "damaged", "replace"],
  },
  {
    slug: "wifi",
    id: {
      questions: [
        "Apa password wifi perpustakaan?",
        "Cara konek wifi di perpustakaan",
        "Wifi perpustakaan tidak bisa tersambung",
      ],
      answer:
        'Sambungkan ke jaringan "Kampus-WiFi" dan masuk dengan akun SSO kampus (tidak ada kata sandi bersama). Tamu meminta voucher harian di meja layanan dengan KTP. Bila tetap gagal, hubungi helpdesk TI di ext. 1234.',
    },
    en: {
      questions: [
        "What is the library wifi password?",
        "How do I connect to the wifi?",
        "The wifi is not working",
      ],
      answer:
        'Join the "Kampus-WiFi" network and sign in with your campus SSO account (there is no shared password). Guests get a day voucher at the service desk with an ID card. If it still fails, call the IT helpdesk on ext. 1234.',
    },
    keywords: ["wifi", "internet", "hotspot", "jaringan", "password wifi", "network"],
  },
  {
    slug: "silang-layan",
    id: {
      questions: [
        "Apakah bisa pinjam buku dari perpustakaan kampus lain?",
        "Bagaimana layanan silang layan antar perpustakaan?",
        "Cara minta artikel yang tidak dilanggan",
      ],
      answer:
        "Layanan silang layan (pinjam antar perpustakaan) bekerja sama dengan perpustakaan anggota FPPTI: isi formulir di https://layanan.library.example dengan judul dan penerbitnya. Artikel dikirim dalam 3–5 hari kerja; buku dipinjam lewat surat pengantar kami.",
    },
    en: {
      questions: [
        "Can I borrow a book from another university library?",
        "How does inter-library loan work?",
        "How do I request an article we don't subscribe to?",
      ],
      answer:
        "Inter-library loan works with the FPPTI member libraries: fill in the form at https://layanan.library.example with the title and publisher. Articles arrive within 3–5 working days; books are borrowed with our letter of introduction.",
    },
    keywords: ["silang layan", "antar perpustakaan", "interlibrary", "inter-library", "document delivery"],
  },
  {
    slug: "sumbangan-buku",
    id: {
      questions: [
        "Saya mau menyumbang buku ke perpustakaan",
        "Bagaimana cara donasi buku?",
        "Apakah perpustakaan menerima hibah buku?",
      ],
      answer:
        "Terima kasih! Sumbangan buku diterima di bagian pengadaan (lantai 3, hari kerja 08.00–15.00). Buku terbitan 10 tahun terakhir dalam kondisi baik paling bermanfaat; kirim daftar judulnya dulu ke pengadaan@library.example.",
    },
    en: {
      questions: [
        "I want to donate books to the library",
        "How do I donate books?",
        "Does the library accept book donations?",
      ],
      answer:
        "Thank you! Book donations are received by the acquisitions unit (3rd floor, working days 08:00–15:00). Books published in the last 10 years in good condition help most; please email the list of titles to pengadaan@library.example first.",
    },
    keywords: ["sumbang", "sumbangan", "donasi", "hibah", "donate", "donation"],
  },
  {
    slug: "repositori",
    id: {
      questions: [
        "Bagaimana cara mencari skripsi orang lain?",
        "Apakah skripsi bisa dibaca online?",
        "Cara download karya ilmiah di repositori",
      ],
      answer:
        "Skripsi dan karya ilmiah kampus dicari di https://repository.library.example. Abstrak terbuka untuk umum; teks lengkap dapat diunduh setelah masuk dengan akun SSO. Skripsi cetak dibaca di ruang referensi lantai 3.",
    },
    en: {
      questions: [
        "How do I find other students' theses?",
        "Can I read theses online?",
        "How do I download papers from the repository?",
      ],
      answer:
        "Theses and the university's papers are searched at https://repository.library.example. Abstracts are public; full texts download after signing in with your SSO account. Printed theses are read in the 3rd-floor reference room.",
    },
    keywords: ["repositori", "repository", "karya ilmiah", "cari skripsi", "full text"],
  },
  {
    slug: "kartu-hilang",
    id: {
      questions: [
        "Kartu anggota saya hilang",
        "Bagaimana cara membuat kartu perpustakaan baru?",
        "Cetak ulang kartu anggota",
      ],
      answer:
        "Kartu anggota yang hilang dicetak ulang di meja layanan dengan KTM atau KTP, biaya Rp10.000. Selama belum dicetak, tunjukkan KTM untuk meminjam.",
    },
    en: {
      questions: ["I lost my library card", "How do I get a new library card?", "Reprint my membership card"],
      answer:
        "A lost library card is reprinted at the service desk with your student ID or ID card for Rp10,000. Until then, show your student ID to borrow.",
    },
    keywords: ["kartu hilang", "kartu anggota", "library card", "card lost", "cetak ulang kartu"],
  },
  {
    slug: "konsultasi-referensi",
    id: {
      questions: [
        "Bisa minta bantuan mencari referensi untuk skripsi?",
        "Ada layanan konsultasi literatur?",
        "Cara mencari sumber pustaka yang relevan",
      ],
      answer:
        "Pustakawan referensi membantu penelusuran literatur: datang ke meja referensi lantai 3 atau buat janji konsultasi 30 menit lewat https://layanan.library.example. Kami juga mengadakan kelas literasi informasi tiap Rabu.",
    },
    en: {
      questions: [
        "Can someone help me find references for my thesis?",
        "Is there a literature search consultation?",
        "How do I find relevant sources?",
      ],
      answer:
        "Reference librarians help with literature searches: come to the 3rd-floor reference desk or book a 30-minute consultation at https://layanan.library.example. There is also an information literacy class every Wednesday.",
    },
    keywords: [
      "referensi",
      "literatur",
      "penelusuran",
      "konsultasi",
      "reference",
      "literature search",
      "sumber pustaka",
    ],
  },
  {
    slug: "loker",
    id: {
      questions: ["Apakah tas boleh dibawa masuk?", "Di mana penitipan tas?", "Kunci loker hilang"],
      answer:
        "Tas, jaket dan makanan dititipkan di loker dekat pintu masuk; kuncinya dipinjam dengan kartu anggota dan dikembalikan hari itu juga. Laptop, dompet dan HP boleh dibawa. Kunci hilang diganti Rp50.000.",
    },
    en: {
      questions: ["Can I bring my bag inside?", "Where can I leave my bag?", "I lost my locker key"],
      answer:
        "Bags, jackets and food go in the lockers by the entrance; borrow a key with your library card and return it the same day. Laptops, wallets and phones may come in. A lost key costs Rp50,000.",
    },
    keywords: ["loker", "tas", "penitipan", "locker", "bag"],
  },
  {
    slug: "scan-fotokopi",
    id: {
      questions: [
        "Apakah ada layanan fotokopi?",
        "Bisa scan buku di perpustakaan?",
        "Boleh memfoto halaman buku?",
      ],
      answer:
        "Mesin pindai (scanner) swalayan ada di lantai 1, gratis, hasil ke USB atau email. Fotokopi tersedia di koperasi sebelah perpustakaan. Menyalin paling banyak 10% isi satu buku sesuai ketentuan hak cipta.",
    },
    en: {
      questions: [
        "Is there a photocopy service?",
        "Can I scan a book in the library?",
        "May I take photos of book pages?",
      ],
      answer:
        "A self-service scanner is on the 1st floor, free, to USB or email. Photocopying is at the cooperative next to the library. Copy at most 10% of a book, as copyright law allows.",
    },
    keywords: ["fotokopi", "scan", "scanner", "pindai", "photocopy", "copy"],
  },
  {
    slug: "ebook",
    id: {
      questions: [
        "Apakah perpustakaan punya e-book?",
        "Cara pinjam buku digital",
        "Aplikasi untuk baca ebook perpustakaan",
      ],
      answer:
        "Koleksi e-book dibaca lewat aplikasi iPusnas dan portal https://ebook.library.example (masuk dengan akun SSO). Satu e-book dipinjam 7 hari dan kembali sendiri.",
    },
    en: {
      questions: [
        "Does the library have e-books?",
        "How do I borrow a digital book?",
        "Which app do I use to read library ebooks?",
      ],
      answer:
        "E-books are read in the iPusnas app and at https://ebook.library.example (sign in with your SSO account). An e-book is lent for 7 days and returns by itself.",
    },
    keywords: ["ebook", "e-book", "buku digital", "ipusnas", "digital book", "buku elektronik"],
  },
  {
    slug: "pengunjung-umum",
    id: {
      questions: [
        "Apakah alumni boleh masuk perpustakaan?",
        "Orang luar kampus boleh berkunjung?",
        "Syarat kunjungan untuk tamu",
      ],
      answer:
        "Alumni dan tamu boleh membaca di tempat: isi buku tamu dan titipkan KTP di meja layanan. Untuk meminjam buku, daftar sebagai anggota luar (lihat keanggotaan).",
    },
    en: {
      questions: [
        "Can alumni use the library?",
        "Can visitors from outside the university come in?",
        "What do guests need to visit?",
      ],
      answer:
        "Alumni and guests may read in the library: sign the guest book and leave an ID card at the service desk. To borrow, join as an external member (see membership).",
    },
    keywords: ["alumni", "tamu", "pengunjung", "umum", "visitor", "guest"],
  },
  {
    slug: "usul-buku",
    id: {
      questions: [
        "Bagaimana cara mengusulkan buku baru?",
        "Buku yang saya cari tidak ada, bisa dibelikan?",
        "Usulan pengadaan koleksi",
      ],
      answer:
        "Usulkan judul lewat formulir https://layanan.library.example (judul, penulis, penerbit, tahun). Usulan dosen dan mahasiswa dibahas tiap bulan; kami mengabari lewat email bila buku sudah tersedia.",
    },
    en: {
      questions: [
        "How do I suggest a new book?",
        "The book I need is not in the library, can you buy it?",
        "Requesting a book purchase",
      ],
      answer:
        "Suggest a title with the form at https://layanan.library.example (title, author, publisher, year). Suggestions are reviewed every month and we email you once the book is on the shelf.",
    },
    keywords: ["usul", "usulan", "pengadaan", "suggest", "purchase request", "beli buku"],
  },
];
