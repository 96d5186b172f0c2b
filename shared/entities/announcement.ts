import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export const ANNOUNCEMENT_STATES = ["pending", "queued"] as const;
export type AnnouncementState = (typeof ANNOUNCEMENT_STATES)[number];

/**
 * A notice an admin wrote in the console (a closure, a holiday), in Bahasa Indonesia and
 * optionally English, for the chosen channels. `pending` until every recipient's message is
 * queued (then `queued`, with how many); delivery is counted from the messages themselves.
 */
@Entity({ name: "announcement" })
export class Announcement {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ name: "text_id", type: "text" })
  textId!: string;

  /** "" when there is no English text: English-speaking patrons get the Indonesian one */
  @Column({ name: "text_en", type: "text" })
  textEn!: string;

  /** the channel names chosen, as a JSON array */
  @Column({ type: "jsonb" })
  channels!: string[];

  @Column({ name: "created_by", type: "integer" })
  createdBy!: number;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Column({ type: "text", default: "pending" })
  state!: AnnouncementState;

  @Column({ type: "integer", nullable: true })
  recipients!: number | null;

  @Column({ name: "queued_at", type: "timestamptz", nullable: true })
  queuedAt!: Date | null;
}
