import { expect } from "chai";
import { cue, matchIntent } from "../../relay/intents";
import { replyLanguage, route } from "../../relay/router";

const text = (t: string) => ({ kind: "text" as const, text: t, meta: {} });

describe("router", () => {
  const cases: Array<[string, string]> = [
    ["/start", "start"],
    ["/jam@pustaka_bot", "hours"],
    ["/help", "help"],
    ["/pinjaman", "loans"],
    ["/perpanjang pilih 12", "renew"],
    ["/tidakada", "unknown"],
    ["jam buka perpustakaan?", "hours"],
    ["Kapan perpustakaan tutup", "hours"],
    ["when are you open", "hours"],
    ["pinjaman saya", "loans"],
    ["pinjman saya", "loans"],
    ["kapan harus kembali bukunya", "loans"],
    ["my loans", "loans"],
    ["perpanjang buku", "renew"],
    ["perpanjng buku", "renew"],
    ["renew my book", "renew"],
    ["berapa denda saya", "fines"],
    ["how much do I owe in fines", "fines"],
    ["saya mau bicara dengan pustakawan", "librarian"],
    ["talk to a human please", "librarian"],
    ["halo", "greeting"],
    ["terima kasih banyak", "thanks"],
    ["tautkan akun saya", "link"],
    ["english please", "language"],
    ["asdf qwerty", "unknown"],
    // Questions about a day (issue 11)
    ["besok buka ga?", "hours"],
    ["is the library open on saturday?", "hours"],
    ["when do you close today?", "hours"],
    ["tgl 25 des", "hours"],
    ["sekarang buka?", "hours"],
    ["akhir pekan libur?", "hours"],
    // Small talk (issue 11): short answers, not "not understood"
    ["assalamualaikum", "greeting"],
    ["assalamu'alaikum kak", "greeting"],
    ["pagi kak", "greeting"],
    ["halo min", "greeting"],
    ["selamat siang", "greeting"],
    ["hi", "greeting"],
    ["good morning", "greeting"],
    ["makasih", "thanks"],
    ["terima kasih kak", "thanks"],
    ["thx", "thanks"],
    ["thank you", "thanks"],
    ["oke makasih", "thanks"],
    ["🙏", "thanks"],
    ["ok", "acknowledgment"],
    ["oke", "acknowledgment"],
    ["sip", "acknowledgment"],
    ["siap kak", "acknowledgment"],
    ["baik", "acknowledgment"],
    ["noted", "acknowledgment"],
    ["👍", "acknowledgment"],
    ["👍🏻👍🏻", "acknowledgment"],
    ["😊", "acknowledgment"],
    // A greeting, thanks or "ok" with a question is the question
    ["halo, besok buka?", "hours"],
    ["assalamualaikum, tanggal 25 buka?", "hours"],
    ["makasih, besok buka ga?", "hours"],
    ["ok, sabtu buka?", "hours"],
    ["🙏 besok buka?", "hours"],
    ["selamat pagi, saya mau perpanjang buku", "renew"],
  ];
  for (const [input, answer] of cases) {
    it(`routes "${input}" to ${answer}`, () => {
      expect(route(text(input)).answer).to.equal(answer);
    });
  }

  it("reads how-to questions about loans, renewing and joining as how-to, not as member data", () => {
    for (const q of [
      "gmn cara pinjam buku?",
      "how do I renew",
      "bagaimana cara daftar jadi anggota",
      "cara perpanjang buku gimana",
      "how can I borrow a book",
      "mau pinjam buku",
      "cara bayar denda",
    ])
      expect(route(text(q)).answer, q).to.equal("howto");
  });

  it("does not read 'pinjam' (borrow) as 'pinjaman' (loans): another word form is not a typo", () => {
    expect(matchIntent("pinjam", [{ name: "loans", cues: [cue("pinjaman", 3)] }])).to.equal(null);
    expect(matchIntent("meminjam", [{ name: "x", cues: [cue("pinjam", 3)] }])).to.equal(null);
    // A typo is still a typo: a letter missing inside the word, or one at its end.
    expect(matchIntent("pinjman", [{ name: "loans", cues: [cue("pinjaman", 3)] }])?.intent).to.equal("loans");
    expect(matchIntent("helo", [{ name: "greeting", cues: [cue("hello", 3)] }])?.intent).to.equal("greeting");
  });

  it("sends a member ID or phone number from an unlinked patron in a private chat to linking", () => {
    const unlinked = (t: string, type: "private" | "group" = "private", memberId: string | null = null) =>
      route({ ...text(t), patron: { memberId }, chat: { type } }).answer;
    expect(unlinked("2021110001")).to.equal("link");
    expect(unlinked("197903152005012001")).to.equal("link");
    expect(unlinked("19790315 200501 2 001")).to.equal("link");
    expect(unlinked("0812-3456-7801")).to.equal("link");
    expect(unlinked("+62 812 3456 7802")).to.equal("link");
    // Said in a short sentence that names it as one.
    expect(unlinked("ini nim saya 2021110001")).to.equal("link");
    expect(unlinked("my member id is 2021110001")).to.equal("link");
    expect(unlinked("no hp saya 0812-3456-7801")).to.equal("link");
    expect(unlinked("buku 9786020332956")).to.equal("unknown");
    expect(unlinked("nim 2021110001 atau 2021110002")).to.equal("unknown");
    // Not in a group, not once linked, not a short number or a word with digits.
    expect(unlinked("2021110001", "group")).to.equal("unknown");
    expect(unlinked("2021110001", "private", "2021110001")).to.equal("unknown");
    expect(unlinked("2024")).to.equal("unknown");
    expect(unlinked("demo1234")).to.equal("unknown");
  });

  it("does not mistake 'buku' (book) for 'buka' (open)", () => {
    expect(route(text("pinjam buku")).answer).to.not.equal("hours");
  });

  it("routes non-text kinds politely, contacts to linking, non-messages to silence", () => {
    expect(route({ kind: "photo", text: "jam buka?", meta: {} }).answer).to.equal("non_text");
    expect(route({ kind: "contact", text: null, meta: {} }).answer).to.equal("link");
    expect(route({ kind: "edited", text: "x", meta: {} }).answer).to.equal("edited");
    expect(route({ kind: "member_update", text: null, meta: {} }).answer).to.equal("silent");
    expect(route({ kind: "unknown", text: null, meta: { notAMessage: true } }).answer).to.equal("silent");
  });

  it("sends the next plain message to the answer that asked, but a command or clear question wins", () => {
    const pick = { step: "renew_pick", loanIds: [1, 2] };
    expect(route(text("2"), pick).answer).to.equal("renew");
    expect(route(text("/jam"), pick).answer).to.equal("hours");
    expect(route(text("jam buka?"), pick).answer).to.equal("hours");
    // A password is never read as a question.
    const password = { step: "link_password", memberId: "M1", secret: true };
    expect(route(text("jam buka?"), password).answer).to.equal("link");
    expect(route(text("/batal"), password).answer).to.equal("cancel");
  });

  it("leaves a pending step's answer to it when the message is only small talk ('ok' may confirm)", () => {
    const confirm = { step: "renew_confirm", loanId: 7 };
    expect(route(text("ok"), confirm).answer).to.equal("renew");
    expect(route(text("👍"), confirm).answer).to.equal("renew");
    expect(route(text("ok"), { step: "link_member_id" }).answer).to.equal("link");
    // A question still wins over the step, as before.
    expect(route(text("besok buka?"), confirm).answer).to.equal("hours");
  });

  it("answers in the chosen language, else the client's, else Indonesian", () => {
    expect(replyLanguage("id", "en-US", "en")).to.equal("id");
    expect(replyLanguage(null, "en-GB")).to.equal("en");
    expect(replyLanguage(null, "id")).to.equal("id");
    expect(replyLanguage(null, undefined, "en")).to.equal("en");
    expect(replyLanguage(null, undefined)).to.equal("id");
  });
});
