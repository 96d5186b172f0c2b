/**
 * The daily due-date reminder run (docs/reminders.md): for every linked member who said
 * /pengingat on, their current loans from the library system as of today in LIBRARY_TIMEZONE;
 * for the loans due in one of REMINDER_DAYS_BEFORE days, or due yesterday, one message per kind
 * and due date (several books due the same day: one message listing them) in the patron's chat.
 *
 * Once only: each loan's key (member, loan, due date, kind) is inserted into `reminder_sent`
 * first, in the transaction that writes the message; a second run, a second relay process or a
 * restart finds the key (or waits on it until the first commits) and writes nothing. A renewal
 * moves the due date, so the key of the next reminder is new. The message goes the normal way:
 * a queued system reply in the patron's conversation, then the channel's egress (its rate limit).
 */
import type { ConsoleEventPublisher } from "../../shared/console-events";
import type { Db } from "../../shared/db";
import type { ChannelName, Language } from "../../shared/envelope";
import { errorMessage } from "../../shared/errors";
import type { LibrarySystem, Loan } from "../../shared/library/port";
import type { Logger } from "../../shared/logger";
import { queueProactiveMessage } from "../../shared/log/proactive-messages";
import type { OutboundDrains } from "../../shared/queues";
import { ProactiveError } from "../../shared/reminders/errors";
import { reminderTexts } from "../../shared/texts/reminders";
import { todayIn } from "../../shared/time/zone";
import { daysOf, reminderKind, type ReminderKind } from "./due-dates";

export interface DueRemindersOptions {
  db: Db;
  library: LibrarySystem;
  outbound: Pick<OutboundDrains, "request">;
  logger: Logger;
  timeZone: string;
  /** REMINDER_DAYS_BEFORE */
  daysBefore: readonly number[];
  now: () => Date;
  events?: Pick<ConsoleEventPublisher, "publish">;
}

export interface DueRemindersResult {
  today: string;
  /** opted-in members whose loans were read */
  members: number;
  /** messages queued by this run */
  messages: number;
  /** loans those messages are about */
  loans: number;
  /** members whose loans could not be read (the library system failed): tried again next run */
  failed: number;
}

interface Recipient {
  patron_id: number;
  member_id: string;
  language: Language | null;
  channel: ChannelName;
  chat_id: string;
}

/**
 * Opted-in linked members with the one chat a reminder goes to: the verified chat they wrote in
 * last (a member linked on two channels gets one reminder, not two).
 */
const RECIPIENTS = `
  SELECT p.id AS patron_id, p.member_id, p.language, ci.channel, ci.external_user_id AS chat_id
  FROM patron p
  JOIN reminder_preference rp ON rp.patron_id = p.id AND rp.enabled
  JOIN LATERAL (
    SELECT i.channel, i.external_user_id FROM channel_identity i
    WHERE i.patron_id = p.id AND i.verified_at IS NOT NULL AND i.external_user_id NOT LIKE 'erased:%'
    ORDER BY (SELECT max(c.last_message_at) FROM conversation c
              WHERE c.channel = i.channel AND c.chat_id = i.external_user_id) DESC NULLS LAST,
             i.verified_at DESC
    LIMIT 1
  ) ci ON true
  WHERE p.member_id IS NOT NULL
  ORDER BY p.id`;

export async function runDueReminders(options: DueRemindersOptions): Promise<DueRemindersResult> {
  const today = todayIn(options.timeZone, options.now());
  const { rows: recipients } = await options.db.query<Recipient>(RECIPIENTS);
  const result: DueRemindersResult = { today, members: 0, messages: 0, loans: 0, failed: 0 };
  for (const recipient of recipients) {
    let loans: Loan[];
    try {
      loans = await options.library.currentLoans(recipient.member_id, today);
    } catch (err) {
      result.failed += 1;
      options.logger.warn(
        { patronId: recipient.patron_id, err: errorMessage(err) },
        "reminders: loans unreadable",
      );
      continue;
    }
    result.members += 1;
    for (const [kind, group] of byKind(loans, today, options.daysBefore)) {
      const sent = await remind(options, recipient, kind, group);
      if (sent > 0) {
        result.messages += 1;
        result.loans += sent;
      }
    }
  }
  return result;
}

/** The loans that get a reminder today, grouped by kind and due date. */
function byKind(loans: Loan[], today: string, daysBefore: readonly number[]): Map<string, Loan[]> {
  const groups = new Map<string, Loan[]>();
  for (const loan of loans) {
    const kind = reminderKind(loan.dueDate, today, daysBefore);
    if (!kind) continue;
    const key = `${kind}|${loan.dueDate}`;
    groups.set(key, [...(groups.get(key) ?? []), loan]);
  }
  return groups;
}

/** One message for these loans (same kind and due date), for the loans not reminded yet. */
async function remind(
  options: DueRemindersOptions,
  recipient: Recipient,
  groupKey: string,
  loans: Loan[],
): Promise<number> {
  const kind = groupKey.split("|")[0] as ReminderKind;
  const dueDate = loans[0]!.dueDate!;
  const queued = await options.db.transaction(async (tx) => {
    // The keys first: a concurrent run waits here for this one to commit, then skips.
    const { rows: fresh } = await tx.query<{ loan_id: number }>(
      `INSERT INTO reminder_sent (member_id, loan_id, due_date, kind, patron_id)
       SELECT $1, unnest($2::int[]), $3, $4, $5
       ON CONFLICT DO NOTHING RETURNING loan_id`,
      [recipient.member_id, loans.map((l) => l.loanId), dueDate, kind, recipient.patron_id],
    );
    if (fresh.length === 0) return null;
    const ids = new Set(fresh.map((r) => r.loan_id));
    const these = loans.filter((l) => ids.has(l.loanId));
    const lang = recipient.language ?? "id";
    const titles = these.map((l) => l.title || l.itemCode);
    const days = daysOf(kind);
    const text =
      days === null
        ? reminderTexts.overdue(lang, titles, dueDate)
        : reminderTexts.dueSoon(lang, titles, dueDate, days);
    const loanIds = these.map((l) => l.loanId).sort((a, b) => a - b);
    const message = await queueProactiveMessage(tx, {
      channel: recipient.channel,
      chatId: recipient.chat_id,
      patronId: recipient.patron_id,
      text,
      key: `rem:${recipient.member_id}:${dueDate}:${kind}:${loanIds.join(",")}`,
      handledBy: "reminder",
      meta: { reminder: { kind, dueDate, loanIds }, memberId: recipient.member_id },
    });
    if (!message)
      throw new ProactiveError(
        "PROACTIVE_KEY_CONFLICT",
        `reminder ${kind} ${dueDate}: its message exists without its key`,
      );
    await tx.query(
      `UPDATE reminder_sent SET message_id = $1
       WHERE member_id = $2 AND loan_id = ANY($3::int[]) AND due_date = $4 AND kind = $5`,
      [message.messageId, recipient.member_id, loanIds, dueDate, kind],
    );
    return { ...message, loanIds };
  });
  if (!queued) return 0;
  options.logger.info(
    {
      reminder: { patronId: recipient.patron_id, kind, dueDate, loanIds: queued.loanIds },
      messageId: queued.messageId,
    },
    "reminder queued",
  );
  // After the commit; if this fails (Redis away), the outbound sweeper requests the drain.
  await options.outbound
    .request(recipient.channel, queued.conversationId)
    .catch((err: unknown) =>
      options.logger.warn({ err: errorMessage(err) }, "reminders: drain request failed; the sweeper retries"),
    );
  await options.events?.publish({
    type: "message",
    conversationId: queued.conversationId,
    messageId: queued.messageId,
  });
  return queued.loanIds.length;
}
