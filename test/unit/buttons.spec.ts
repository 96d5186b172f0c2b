import { expect } from "chai";
import {
  OFFERED_BUTTONS,
  pressedButton,
  rememberOfferedButtons,
  withNumberedButtons,
} from "../../shared/buttons";
import type { Handling } from "../../shared/log/handling";

const handling = (h: Pick<Handling, "replies"> & Partial<Handling>): Handling => ({
  handledBy: "test",
  unknownStreak: 0,
  ...h,
});

const LANGUAGES = [
  [
    { text: "Bahasa Indonesia", data: "/bahasa id" },
    { text: "English", data: "/language en" },
  ],
];

describe("buttons as a numbered list (channels without buttons)", () => {
  it("numbers every button, row by row, under the text", () => {
    expect(withNumberedButtons("Pilih bahasa:", LANGUAGES)).to.equal(
      "Pilih bahasa:\n\n1. Bahasa Indonesia\n2. English",
    );
    expect(withNumberedButtons("", LANGUAGES)).to.equal("1. Bahasa Indonesia\n2. English");
    expect(withNumberedButtons("Teks", [])).to.equal("Teks");
  });

  it("does not number twice a button that carries its number already", () => {
    const renew = [
      [{ text: "1. Laskar Pelangi", data: "/perpanjang pilih 11" }],
      [{ text: "Batal", data: "/batal" }],
    ];
    expect(withNumberedButtons("Pilih:", renew)).to.equal("Pilih:\n\n1. Laskar Pelangi\n2. Batal");
  });

  it("reads a typed number as pressing the offered button", () => {
    const dialog = { [OFFERED_BUTTONS]: ["/bahasa id", "/language en"] };
    expect(pressedButton("text", " 2 ", dialog)).to.deep.equal({ kind: "callback", text: "/language en" });
    expect(pressedButton("text", "1", dialog)).to.deep.equal({ kind: "callback", text: "/bahasa id" });
  });

  it("leaves anything else alone: out of range, not a number, not text, nothing offered", () => {
    const dialog = { [OFFERED_BUTTONS]: ["/bahasa id", "/language en"] };
    expect(pressedButton("text", "3", dialog)).to.equal(undefined);
    expect(pressedButton("text", "0", dialog)).to.equal(undefined);
    expect(pressedButton("text", "2 buku", dialog)).to.equal(undefined);
    expect(pressedButton("photo", "2", dialog)).to.equal(undefined);
    expect(pressedButton("text", "2", {})).to.equal(undefined);
    expect(pressedButton("text", "2", { step: "renew_pick", loanIds: [11, 12] })).to.equal(undefined);
  });

  it("remembers the last offered buttons, keeping the dialog the answer set (or left)", () => {
    const offering = handling({ replies: [{ text: "a" }, { text: "b", buttons: LANGUAGES }] });
    expect(rememberOfferedButtons(offering, {}).dialog).to.deep.equal({
      [OFFERED_BUTTONS]: ["/bahasa id", "/language en"],
    });
    // renew's own "type the number" step stays: its buttons mean the same as its numbers
    const renew = handling({
      replies: [{ text: "Pilih", buttons: [[{ text: "1. A", data: "/perpanjang pilih 11" }]] }],
      dialog: { step: "renew_pick", loanIds: [11] },
    });
    expect(rememberOfferedButtons(renew, {}).dialog).to.deep.equal({
      step: "renew_pick",
      loanIds: [11],
      [OFFERED_BUTTONS]: ["/perpanjang pilih 11"],
    });
    // an answer that leaves the dialog as it is: the pending step is kept
    const left = rememberOfferedButtons(offering, { step: "link_member_id" });
    expect(left.dialog).to.deep.equal({
      step: "link_member_id",
      [OFFERED_BUTTONS]: ["/bahasa id", "/language en"],
    });
  });

  it("forgets earlier buttons when a reply offers none, and changes nothing when there is nothing to forget", () => {
    const plain = handling({ replies: [{ text: "ok" }] });
    expect(rememberOfferedButtons(plain, { [OFFERED_BUTTONS]: ["/x"] }).dialog).to.equal(null);
    expect(
      rememberOfferedButtons(plain, { step: "renew_confirm", [OFFERED_BUTTONS]: ["/x"] }).dialog,
    ).to.deep.equal({
      step: "renew_confirm",
    });
    expect(rememberOfferedButtons({ ...plain, dialog: null }, { [OFFERED_BUTTONS]: ["/x"] }).dialog).to.equal(
      null,
    );
    expect(rememberOfferedButtons(plain, { step: "renew_confirm" })).to.equal(plain);
  });
});
