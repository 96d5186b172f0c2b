/**
 * /tautkan /link: verify that the patron is a library member before any member data is shown
 * (docs/slims.md §5). The patron shares their own contact (Telegram's button), matched to
 * `member.member_phone` — on WhatsApp the sender's own number counts as that contact, as the
 * channel vouches for it; if no single member matches, they type their member ID. Then the
 * second factor: their OPAC password, checked as SLiMS checks it, with attempts limited per
 * chat and per member. The password never reaches the log (the ingress stores a marker) and
 * its message is deleted from the chat. Every link and every failed attempt is audited.
 */
import type { AuditEntry } from "../../shared/audit";
import type { Reply } from "../../shared/log/handling";
import { noticeToLinkedChats } from "../../shared/log/member-notices";
import { libraryTexts as say } from "../../shared/texts";
import { identityIn, identityShape, type IdentityShape } from "../identity-shape";
import { cue } from "../intents";
import { defineAnswer, type AnswerContext, type AnswerResult } from "./answer";

type LinkDialog =
  | { step: "link_contact" }
  | { step: "link_member_id" }
  | { step: "link_password"; memberId: string; method: string; secret: true };

const asked = (ctx: AnswerContext) => ctx.dialog as Partial<LinkDialog>;

export const link = defineAnswer({
  name: "link",
  privateOnly: true,
  commands: { id: "tautkan", en: "link" },
  menu: {
    order: 50,
    help: {
      id: "tautkan akun anggota perpustakaan (sekali saja)",
      en: "link your library membership (once)",
    },
    commandList: { id: "Tautkan akun anggota", en: "Link my library membership" },
  },
  intent: {
    precedence: 30,
    cues: [
      cue("tautkan", 3, "id"),
      cue("hubungkan akun", 3, "id"),
      cue("verifikasi", 2, "id"),
      cue("link account", 3, "en"),
      cue("link my", 3, "en"),
      cue("verify", 2, "en"),
    ],
  },
  dialogSteps: ["link_contact", "link_member_id", "link_password"],
  answer: async (ctx) => {
    if (ctx.memberId && ctx.kind !== "contact" && !asked(ctx).step) {
      const member = await ctx.services.librarySystem.getMember(ctx.memberId);
      return { replies: [{ text: say.alreadyLinked(ctx.lang, member?.name ?? ctx.memberId, ctx.memberId) }] };
    }
    if (ctx.kind === "contact") return fromContact(ctx);
    const dialog = asked(ctx);
    if (dialog.step === "link_password" && dialog.memberId)
      return checkPassword(ctx, dialog.memberId, dialog.method!);
    // A member ID or phone number typed unasked (or after "/tautkan"): confirm it and ask the password.
    const typed = ctx.text.startsWith("/") ? ctx.args : ctx.text;
    const said = identityShape(typed) ?? identityIn(typed);
    if (said && !dialog.step) return fromIdentity(ctx, said, true);
    if (dialog.step === "link_member_id" || dialog.step === "link_contact") {
      if (said) return fromIdentity(ctx, said, false);
      if (looksLikeMemberId(ctx.text)) return fromMemberId(ctx, ctx.text.trim());
    }
    // The sender's number as the channel vouches for it: it only finds the member, like a shared
    // own contact; the password is asked all the same.
    if (ctx.senderPhone && !dialog.step)
      return fromPhone(ctx, ctx.senderPhone, `${ctx.channel}_sender+password`);
    return {
      replies: [
        ctx.channelCannot?.requestContact
          ? { text: say.askMemberIdOnly(ctx.lang) }
          : { text: say.askContact(ctx.lang), requestContact: say.contactButton(ctx.lang) },
      ],
      dialog: { step: "link_contact" },
    };
  },
});

const looksLikeMemberId = (text: string) =>
  /^[A-Za-z0-9._/-]{3,30}$/.test(text.trim()) && !text.startsWith("/");

function audit(
  ctx: AnswerContext,
  action: string,
  subject: string | null,
  detail: Record<string, unknown>,
): AuditEntry {
  return {
    actorKind: "patron",
    actorId: `${ctx.channel}:${ctx.senderId || ctx.chatId}`,
    action,
    subject,
    detail: { ...detail, messageId: ctx.messageId },
  };
}

async function fromContact(ctx: AnswerContext): Promise<AnswerResult> {
  if (!ctx.contact?.isSender) {
    return {
      replies: [
        ctx.channelCannot?.requestContact
          ? { text: say.notOwnContactTypeId(ctx.lang) }
          : { text: say.notOwnContact(ctx.lang), requestContact: say.contactButton(ctx.lang) },
      ],
      dialog: { step: "link_contact" },
      audit: [audit(ctx, "link_failed", null, { reason: "not_own_contact" })],
    };
  }
  return fromPhone(ctx, ctx.contact.phone, `${ctx.channel}_contact+password`);
}

async function fromPhone(ctx: AnswerContext, phone: string, method: string): Promise<AnswerResult> {
  const members = await ctx.services.librarySystem.findMembersByPhone(phone);
  if (members.length !== 1) {
    return {
      replies: [{ text: say.askMemberId(ctx.lang, members.length), removeKeyboard: true }],
      dialog: { step: "link_member_id" },
    };
  }
  return askForPassword(ctx, members[0]!.memberId, members[0]!.hasPassword, method);
}

/**
 * A typed member ID or phone number. `unasked`: the patron typed it without being asked (the
 * router saw an identity-shaped message from an unlinked patron), so the reply first asks "is
 * that your member ID?" — in the same message as the password step, so whatever is typed next
 * is already treated as the secret (the transcript of issue 11: the password typed right after
 * the member ID must never reach the log).
 */
async function fromIdentity(
  ctx: AnswerContext,
  identity: IdentityShape,
  unasked: boolean,
): Promise<AnswerResult> {
  if (identity.kind === "member_id") return fromMemberId(ctx, identity.memberId, unasked);
  const keys = { chat: chatKeys(ctx) };
  const attempt = await ctx.services.attempts.consume(keys);
  if (!attempt.allowed) return lockedOut(ctx, attempt.waitMs, null);
  const members = await ctx.services.librarySystem.findMembersByPhone(identity.phone);
  if (members.length === 1) {
    await ctx.services.attempts.refund(keys);
    const member = members[0]!;
    return withConfirm(
      ctx,
      askForPassword(ctx, member.memberId, member.hasPassword, "phone+password"),
      unasked ? say.confirmPhone(ctx.lang) : undefined,
    );
  }
  // A member ID that happens to look like a phone number (a leading 0) is still tried as one.
  const digits = identity.phone.replace(/\D/g, "");
  if (members.length === 0 && /^\d{8,20}$/.test(identity.phone.trim())) {
    const member = await ctx.services.librarySystem.getMember(digits);
    if (member) {
      await ctx.services.attempts.refund(keys);
      return withConfirm(
        ctx,
        askForPassword(ctx, member.memberId, member.hasPassword, "member_id+password"),
        unasked ? say.confirmMemberId(ctx.lang, member.memberId) : undefined,
      );
    }
  }
  return {
    replies: [{ text: say.askMemberId(ctx.lang, members.length), removeKeyboard: true }],
    dialog: { step: "link_member_id" },
    audit: [
      audit(ctx, "link_failed", null, {
        reason: members.length === 0 ? "unknown_phone" : "phone_not_unique",
        found: members.length,
      }),
    ],
  };
}

/** The password step, introduced by "is that your member ID?" when the patron typed it unasked, with a way out. */
function withConfirm(ctx: AnswerContext, result: AnswerResult, confirm: string | undefined): AnswerResult {
  const asking = (result.dialog as { step?: string } | null | undefined)?.step === "link_password";
  if (!asking || !confirm) return result;
  const [first, ...rest] = result.replies;
  return {
    ...result,
    replies: [
      {
        ...first!,
        text: `${confirm}\n\n${first!.text}`,
        buttons: [[{ text: say.notMineButton(ctx.lang), data: ctx.lang === "en" ? "/cancel" : "/batal" }]],
      },
      ...rest,
    ],
  };
}

async function fromMemberId(ctx: AnswerContext, memberId: string, unasked = false): Promise<AnswerResult> {
  // Guessing member IDs costs attempts too, so the chat cannot enumerate members: the point is
  // taken first and given back only when the member exists.
  const keys = { chat: chatKeys(ctx) };
  const attempt = await ctx.services.attempts.consume(keys);
  if (!attempt.allowed) return lockedOut(ctx, attempt.waitMs, memberId);
  const member = await ctx.services.librarySystem.getMember(memberId);
  if (!member) {
    return {
      replies: [{ text: say.unknownMemberId(ctx.lang) }],
      dialog: { step: "link_member_id" },
      audit: [audit(ctx, "link_failed", null, { reason: "unknown_member_id" })],
    };
  }
  await ctx.services.attempts.refund(keys);
  return withConfirm(
    ctx,
    askForPassword(ctx, member.memberId, member.hasPassword, "member_id+password"),
    unasked ? say.confirmMemberId(ctx.lang, member.memberId) : undefined,
  );
}

/** The keys limited per chat: the chat, and the sender's identity on the channel. */
const chatKeys = (ctx: AnswerContext) => [
  `chat:${ctx.channel}:${ctx.chatId}`,
  `sender:${ctx.channel}:${ctx.senderId || ctx.chatId}`,
];

function askForPassword(
  ctx: AnswerContext,
  memberId: string,
  hasPassword: boolean,
  method: string,
): AnswerResult {
  if (!hasPassword) {
    return {
      replies: [{ text: say.noPassword(ctx.lang), removeKeyboard: true }],
      dialog: null,
      audit: [audit(ctx, "link_failed", `member:${memberId}`, { reason: "no_password" })],
    };
  }
  return {
    replies: [
      {
        text: ctx.channelCannot?.deleteMessage
          ? say.askPasswordUndeletable(ctx.lang)
          : say.askPassword(ctx.lang),
        removeKeyboard: true,
      },
    ],
    dialog: { step: "link_password", memberId, method, secret: true },
  };
}

const withAudit = (result: AnswerResult, first: AuditEntry): AnswerResult => ({
  ...result,
  audit: [first, ...(result.audit ?? [])],
});

function lockedOut(ctx: AnswerContext, waitMs: number, memberId: string | null): AnswerResult {
  return {
    replies: [{ text: say.lockedOut(ctx.lang, Math.max(1, Math.ceil(waitMs / 60_000))) }],
    dialog: null,
    audit: [audit(ctx, "link_locked_out", memberId ? `member:${memberId}` : null, { waitMs })],
  };
}

async function checkPassword(ctx: AnswerContext, memberId: string, method: string): Promise<AnswerResult> {
  // The patron's message holds the password: delete it from the chat whatever happens next. (If
  // it came before the password step was committed, the log redacts its row as it is handled.)
  // (A channel that cannot delete was told so when the password was asked.)
  const target = ctx.channelCannot?.deleteMessage ? undefined : ctx.channelMessageId;
  const result = await verifyTypedPassword(ctx, memberId, method);
  if (target === undefined) return result;
  return { ...result, replies: [{ kind: "delete", text: "", meta: { target } }, ...result.replies] };
}

async function verifyTypedPassword(
  ctx: AnswerContext,
  memberId: string,
  method: string,
): Promise<AnswerResult> {
  const keys = { chat: chatKeys(ctx), member: `member:${memberId}` };
  // The typed text is the secret: from the secret box when the ingress redacted it, else (it
  // arrived before the step was committed) from the message itself, whose row is then redacted.
  const password = ctx.redacted ? await ctx.services.secrets.take(ctx.messageId) : ctx.text;
  if (password === null) return { replies: [{ text: say.passwordLost(ctx.lang) }] };
  const attempt = await ctx.services.attempts.consume(keys);
  if (!attempt.allowed) {
    const result = lockedOut(ctx, attempt.waitMs, memberId);
    return attempt.memberLocked ? withGuessAlert(ctx, memberId, result) : result;
  }
  const verified = await ctx.services.librarySystem.verifyPassword(memberId, password);
  if (!verified.ok) {
    if (verified.reason === "no_password") {
      await ctx.services.attempts.refund(keys);
      return askForPassword(ctx, memberId, false, method);
    }
    const failed = audit(ctx, "link_failed", `member:${memberId}`, {
      reason: verified.reason,
      attemptsLeft: attempt.left,
    });
    const result: AnswerResult =
      attempt.left > 0
        ? { replies: [{ text: say.wrongPassword(ctx.lang, attempt.left) }], audit: [failed] }
        : withAudit(lockedOut(ctx, 3_600_000, memberId), failed);
    return attempt.memberLeft <= 0 ? withGuessAlert(ctx, memberId, result) : result;
  }
  await ctx.services.attempts.refund(keys);
  await ctx.services.attempts.resetChats(keys.chat);
  const member = verified.member;
  const notes: Reply[] = [];
  if (!member.expireDate || member.expireDate < ctx.today)
    notes.push({ text: say.expiredNote(ctx.lang, member.expireDate) });
  if (member.isPending) notes.push({ text: say.pendingNote(ctx.lang) });
  return {
    replies: [{ text: say.linked(ctx.lang, member.name, member.memberId) }, ...notes],
    dialog: null,
    link: { memberId: member.memberId, method },
    audit: [audit(ctx, "link", `member:${member.memberId}`, { method })],
  };
}

/**
 * The member's account is being guessed at (their member limit is used up, over many chats): tell
 * them on the chats they linked, once per lockout window. The notice commits at once, outside this
 * answer's transaction; its key makes a retried job write it only once.
 */
async function withGuessAlert(
  ctx: AnswerContext,
  memberId: string,
  result: AnswerResult,
): Promise<AnswerResult> {
  if (!(await ctx.services.attempts.firstAlertOfWindow(memberId))) return result;
  const notified = await noticeToLinkedChats(ctx.services.db, memberId, `guess:${ctx.messageId}`, (lang) =>
    say.guessAlert(lang, memberId),
  );
  const alert = audit(ctx, "link_guess_alert", `member:${memberId}`, { notifiedChats: notified });
  return { ...result, audit: [...(result.audit ?? []), alert] };
}

export const unlink = defineAnswer({
  name: "unlink",
  privateOnly: true,
  commands: { id: "lepas", en: "unlink" },
  intent: {
    precedence: 20,
    cues: [cue("lepas tautan", 4, "id"), cue("putuskan akun", 4, "id"), cue("unlink", 4, "en")],
  },
  answer: (ctx) =>
    ctx.memberId
      ? {
          replies: [{ text: say.unlinked(ctx.lang) }],
          dialog: null,
          link: { unlink: true },
          audit: [audit(ctx, "unlink", `member:${ctx.memberId}`, {})],
        }
      : { replies: [{ text: say.notLinked(ctx.lang) }] },
});

export const cancel = defineAnswer({
  name: "cancel",
  commands: { id: "batal", en: "cancel" },
  answer: (ctx) => ({ replies: [{ text: say.cancelled(ctx.lang), removeKeyboard: true }], dialog: null }),
});
