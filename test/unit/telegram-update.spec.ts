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
});
