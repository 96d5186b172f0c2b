/**
 * The answer list, read: the router's command table, the dialog-step owners, the intents in
 * precedence order, the help menu and the channel's "/" menu, all derived from the answers'
 * manifests. The list is checked once, when it is built: two answers claiming one command or
 * one dialog step, two intents with the same precedence, or a menu entry without a command word
 * fail at start-up (and in the unit test) instead of routing to the wrong answer without a word.
 */
import type { Button, Language } from "../../shared/envelope";
import { AppError } from "../../shared/errors";
import { texts } from "../../shared/texts";
import type { IntentCues } from "../intents";
import type { Answer, AnswerDefinition, AnswerList } from "./answer";

/** The answer list contradicts itself (see the message). */
export class AnswerListError extends AppError {
  constructor(message: string) {
    super("ANSWER_LIST_INVALID", message);
    this.name = "AnswerListError";
  }
}

export interface CommandRoute<N extends string> {
  answer: N;
  /** the language the command word implies, if any */
  lang?: Language;
}

/** One line of the channel's "/" menu (Telegram's `setMyCommands`). */
export interface BotCommand {
  command: string;
  description: string;
}

export interface AnswerRegistry<N extends string> extends AnswerList {
  /** every answer by name, ready to run (bound to this list) */
  readonly answers: Readonly<Record<N, Answer>>;
  /** command word (no slash, lower case) → its answer */
  readonly commands: ReadonlyMap<string, CommandRoute<N>>;
  /** dialog step → the answer that asked it */
  readonly dialogOwners: ReadonlyMap<string, N>;
  /** the answers with intent cues, in precedence order (on equal scores the earlier wins) */
  readonly intents: readonly IntentCues<N>[];
  /** the channel's "/" menu, per language */
  readonly botCommands: { id: BotCommand[]; en: BotCommand[] };
}

const LANGUAGES: readonly Language[] = ["id", "en"];

/** Telegram's rule for command words; parseCommand reads the same shape. */
const COMMAND_WORD = /^[a-z0-9_]{1,32}$/;

export function buildRegistry<const D extends readonly AnswerDefinition[]>(
  definitions: D,
): AnswerRegistry<D[number]["name"]> {
  type N = D[number]["name"];
  const answers = {} as Record<N, Answer>;
  const commands = new Map<string, CommandRoute<N>>();
  const dialogOwners = new Map<string, N>();

  for (const definition of definitions) {
    const name = definition.name as N;
    if (Object.hasOwn(answers, name)) throw new AnswerListError(`two answers are named "${name}"`);
    answers[name] = {
      name,
      privateOnly: definition.privateOnly === true,
      answer: (ctx) => definition.answer(ctx, list),
    };
    for (const [word, lang] of commandWords(definition)) {
      if (!COMMAND_WORD.test(word)) throw new AnswerListError(`"${name}": "${word}" is not a command word`);
      const claimed = commands.get(word);
      if (claimed) throw new AnswerListError(`"/${word}" is claimed by "${claimed.answer}" and "${name}"`);
      commands.set(word, lang ? { answer: name, lang } : { answer: name });
    }
    for (const step of definition.dialogSteps ?? []) {
      const owner = dialogOwners.get(step);
      if (owner) throw new AnswerListError(`dialog step "${step}" is owned by "${owner}" and "${name}"`);
      dialogOwners.set(step, name);
    }
  }

  const intents = byNumber(
    definitions.flatMap((d) => (d.intent ? [{ definition: d, key: d.intent.precedence }] : [])),
    "precedence",
  ).map(({ definition }): IntentCues<N> => {
    const { cues, halfWeightOver, smallTalk } = definition.intent!;
    return {
      name: definition.name as N,
      cues,
      ...(halfWeightOver !== undefined ? { halfWeightOver } : {}),
      ...(smallTalk ? { smallTalk } : {}),
    };
  });

  const menu = byNumber(
    definitions.flatMap((d) => (d.menu ? [{ definition: d, key: d.menu.order }] : [])),
    "menu order",
  ).map(({ definition }) => ({
    entry: definition.menu!,
    word: { id: menuWord(definition, "id"), en: menuWord(definition, "en") },
  }));

  const helpMenus = {} as Record<Language, string>;
  const menuButtons = {} as Record<Language, Button[][]>;
  const botCommands = { id: [] as BotCommand[], en: [] as BotCommand[] };
  for (const lang of LANGUAGES) {
    const lines = menu.flatMap(({ entry, word }) =>
      entry.help ? [`/${word[lang]} — ${entry.help[lang]}`] : [],
    );
    helpMenus[lang] = [texts.menuTitle(lang), ...lines].join("\n");
    // Every line of the help menu, as a button that types its command.
    const pressable = menu.flatMap(({ entry, word }) =>
      entry.help ? [{ text: entry.commandList[lang], data: `/${word[lang]}` }] : [],
    );
    menuButtons[lang] = pressable.reduce<Button[][]>(
      (rows, button, i) =>
        i % 2 === 0 ? [...rows, [button]] : [...rows.slice(0, -1), [...rows.at(-1)!, button]],
      [],
    );
    botCommands[lang] = menu.map(({ entry, word }) => ({
      command: word[lang],
      description: entry.commandList[lang],
    }));
  }

  const list: AnswerRegistry<N> = {
    answers,
    commands,
    dialogOwners,
    intents,
    botCommands,
    helpMenu: (lang) => helpMenus[lang],
    menuButtons: (lang) => menuButtons[lang],
  };
  return list;
}

function commandWords(definition: AnswerDefinition): Array<[string, Language | null]> {
  const { id, en, aliases = {} } = definition.commands ?? {};
  return [
    ...(id ? [[id, "id"] as [string, Language]] : []),
    ...(en ? [[en, "en"] as [string, Language]] : []),
    ...Object.entries(aliases),
  ];
}

/** The word a menu shows for an answer in `lang`: its word in that language, else its one neutral alias. */
function menuWord(definition: AnswerDefinition, lang: Language): string {
  const own = definition.commands?.[lang];
  if (own) return own;
  const neutral = Object.entries(definition.commands?.aliases ?? {}).filter(([, l]) => l === null);
  if (neutral.length === 1) return neutral[0]![0];
  throw new AnswerListError(`"${definition.name}" is in the menu but has no "${lang}" command word`);
}

/** Sorted by `key`; two entries with the same key would leave their order to the list's order, so they are refused. */
function byNumber<T extends { definition: AnswerDefinition; key: number }>(items: T[], what: string): T[] {
  const sorted = [...items].sort((a, b) => a.key - b.key);
  sorted.forEach((item, i) => {
    const previous = sorted[i - 1];
    if (previous && previous.key === item.key)
      throw new AnswerListError(
        `"${previous.definition.name}" and "${item.definition.name}" have the same ${what} ${item.key}`,
      );
  });
  return sorted;
}
