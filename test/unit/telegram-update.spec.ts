/**
 * Telegram update → InboundMessage: a shared contact becomes the typed `contact` the link
 * answer reads (own contact only when its user_id is the sender's), and the log's meta keeps
 * the contact details as before.
 */
import { expect } from "chai";
import { normaliseTelegramUpdate } from "../../bot/channels/telegram";

const contactUpdate = (contact: Record<string, unknown>) => ({
  update_id: 7,
  message: {
    message_id: 70,
    date: 1_764_000_000,
    chat: { id: 42, type: "private" },
    from: { id: 42, first_name: "Siti" },
    contact,
  },
});

describe("Telegram update mapping", () => {
  it("types the patron's own shared contact", () => {
    const m = normaliseTelegramUpdate(
      contactUpdate({ phone_number: "+62 812", first_name: "Siti", user_id: 42 }),
    );
    expect(m?.kind).to.equal("contact");
    expect(m?.contact).to.deep.equal({ phone: "+62 812", isSender: true });
    expect(m?.meta).to.deep.include({ phoneNumber: "+62 812", contactUserId: "42", contactName: "Siti" });
  });

  it("marks someone else's contact, or one without a user id, as not the sender's", () => {
    const other = normaliseTelegramUpdate(
      contactUpdate({ phone_number: "0812", first_name: "B", user_id: 7 }),
    );
    expect(other?.contact).to.deep.equal({ phone: "0812", isSender: false });
    const noUser = normaliseTelegramUpdate(contactUpdate({ phone_number: "0812", first_name: "B" }));
    expect(noUser?.contact).to.deep.equal({ phone: "0812", isSender: false });
  });

  it("gives no contact for other messages", () => {
    const text = normaliseTelegramUpdate({
      update_id: 8,
      message: { message_id: 71, date: 1, chat: { id: 42, type: "private" }, from: { id: 42 }, text: "halo" },
    });
    expect(text?.kind).to.equal("text");
    expect(text).to.not.have.property("contact");
  });

  it("types the chat: private, group (group and supergroup), channel; unknown or missing counts as a group", () => {
    const inChat = (chat: Record<string, unknown> | undefined) =>
      normaliseTelegramUpdate({
        update_id: 9,
        message: { message_id: 72, date: 1, ...(chat ? { chat } : {}), from: { id: 42 }, text: "/pinjaman" },
      });
    expect(inChat({ id: 42, type: "private" })?.chat).to.deep.equal({ type: "private" });
    expect(inChat({ id: -5, type: "group" })?.chat).to.deep.equal({ type: "group" });
    expect(inChat({ id: -100, type: "supergroup" })?.chat).to.deep.equal({ type: "group" });
    expect(inChat({ id: -101, type: "channel" })?.chat).to.deep.equal({ type: "channel" });
    expect(inChat({ id: 43, type: "secret" })?.chat).to.deep.equal({ type: "group" });
    expect(inChat({ id: 44 })?.chat).to.deep.equal({ type: "group" });
    const button = normaliseTelegramUpdate({
      update_id: 10,
      callback_query: { id: "q1", from: { id: 42 }, data: "/perpanjang ya 1" },
    });
    expect(button?.chat, "a button without its message").to.deep.equal({ type: "group" });
  });

  it("says which message an edit changes", () => {
    const edit = normaliseTelegramUpdate({
      update_id: 11,
      edited_message: {
        message_id: 73,
        date: 1,
        edit_date: 2,
        chat: { id: 42, type: "private" },
        from: { id: 42 },
        text: "x",
      },
    });
    expect(edit).to.deep.include({ kind: "edited", key: "42:73:e2", editOf: "42:73" });
  });
});
