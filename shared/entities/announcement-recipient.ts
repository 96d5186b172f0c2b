import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * One chat an announcement went to, written with its message in one transaction: the key
 * (announcement, channel, chat) makes a resumed or repeated run skip the chats already done.
 */
@Entity({ name: "announcement_recipient" })
export class AnnouncementRecipient {
  @PrimaryColumn({ name: "announcement_id", type: "integer" })
  announcementId!: number;

  @PrimaryColumn({ type: "text" })
  channel!: string;

  @PrimaryColumn({ name: "chat_id", type: "text" })
  chatId!: string;

  @Column({ name: "patron_id", type: "integer" })
  patronId!: number;

  @Column({ name: "message_id", type: "bigint", nullable: true })
  messageId!: string | null;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
