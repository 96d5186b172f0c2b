/**
 * The bot's command menu as channels show it (Telegram's "/" menu), per language: derived from
 * the answers' menu entries (relay/answers/index.ts).
 */
import { ANSWER_REGISTRY } from "./answers";

export const BOT_COMMANDS = ANSWER_REGISTRY.botCommands;
