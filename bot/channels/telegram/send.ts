/**
 * Sending to Telegram: our OutboundMessage → Telegram's reply markup, and telegraf's errors →
 * ours (rate limited / rejected for good / try again), which egress acts on.
 */
import { TelegramError } from "telegraf";
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove } from "telegraf/types";
import type { OutboundMessage } from "../../../shared/envelope";
import {
  ChannelRateLimitedError,
  ChannelRejectedError,
  ChannelUnavailableError,
  errorMessage,
} from "../../../shared/errors";

export function replyMarkup(
  message: OutboundMessage,
): InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | undefined {
  if (message.buttons?.length) {
    return {
      inline_keyboard: message.buttons.map((row) =>
        // Telegram allows 64 bytes of callback data; ours are short commands.
        row.map((b) => ({ text: b.text, callback_data: b.data.slice(0, 64) })),
      ),
    };
  }
  if (message.requestContact) {
    return {
      keyboard: [[{ text: message.requestContact, request_contact: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    };
  }
  if (message.removeKeyboard) return { remove_keyboard: true };
  return undefined;
}

/** telegraf's errors → ours: 429 → rate limited; other 4xx → rejected for good; the rest → try again. */
export function toChannelError(err: unknown): Error {
  if (err instanceof TelegramError) {
    if (err.code === 429) {
      const seconds = err.parameters?.retry_after ?? 1;
      return new ChannelRateLimitedError(seconds * 1000, err.description);
    }
    if (err.code >= 400 && err.code < 500) return new ChannelRejectedError(err.code, err.description);
    return new ChannelUnavailableError(`telegram ${err.code}: ${err.description}`, { cause: err });
  }
  return new ChannelUnavailableError(`telegram unreachable: ${errorMessage(err)}`, { cause: err });
}

/** How long to wait before asking Telegram for updates again after `failures` failures in a row. */
export function retryDelayMs(err: unknown, failures: number): number {
  if (err instanceof TelegramError && err.code === 429) return (err.parameters?.retry_after ?? 1) * 1000;
  return Math.min(500 * 2 ** (failures - 1), 10_000);
}
