/**
 * The relay's FAQ: the one match index over the published entries and the built-in answers
 * (builtins.ts), rebuilt when the entries change. Only a message no built-in cue understood
 * asks it (relay/faq/route.ts), so the question "did the entries change" — one small query —
 * costs nothing on the path of the built-in answers.
 */
import type { Sql } from "../../shared/db";
import { MatchIndex, type Verdict } from "../../shared/faq/matcher";
import { faqGeneration, publishedEntries, rateAnswer, type FaqEntryView } from "../../shared/faq/store";
import type { IntentCues } from "../intents";
import { builtinDocuments } from "./builtins";

export const FAQ_PREFIX = "faq:";

export class FaqService {
  private generation: string | undefined;
  private index: MatchIndex | undefined;
  private entries = new Map<number, FaqEntryView>();
  private building: Promise<void> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly builtins: readonly IntentCues[],
  ) {}

  /** The verdict on `text`, with the index as the entries are now. */
  async verdict(text: string): Promise<Verdict> {
    await this.fresh();
    return this.index!.verdict(text);
  }

  /** A published entry by id (current version), as of the last rebuild. */
  async entry(id: number): Promise<FaqEntryView | undefined> {
    await this.fresh();
    return this.entries.get(id);
  }

  async published(): Promise<FaqEntryView[]> {
    await this.fresh();
    return [...this.entries.values()];
  }

  rate(entryId: number, version: number, messageId: string, rating: 1 | -1): Promise<boolean> {
    return rateAnswer(this.sql, entryId, version, messageId, rating);
  }

  private async fresh(): Promise<void> {
    const generation = await faqGeneration(this.sql);
    if (generation === this.generation && this.index) return;
    // Concurrent drains share one rebuild.
    this.building ??= this.rebuild(generation).finally(() => (this.building = undefined));
    await this.building;
  }

  private async rebuild(generation: string): Promise<void> {
    const published = await publishedEntries(this.sql);
    this.index = new MatchIndex([
      ...published.map((e) => ({
        key: FAQ_PREFIX + e.id,
        questions: { id: e.content.id.questions, en: e.content.en.questions },
        keywords: e.content.keywords,
      })),
      ...builtinDocuments(this.builtins),
    ]);
    this.entries = new Map(published.map((e) => [e.id, e]));
    this.generation = generation;
  }
}
