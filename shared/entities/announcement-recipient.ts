import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * One chat an announcement went to, written with its message in one transaction: the key
 * (announcement, channel identity) makes a resumed or repeated run skip the chats already done.
 */
@Entity({ name: "announcement_recipient" })
export class AnnouncementRecipient {
  @PrimaryColumn({ name: "announcement_id", type: "integer" })
  announcementId!: number;

  /** the chat, as its channel identity (never the chat id itself: a WhatsApp one is a phone number) */
  @PrimaryColumn({ name: "identity_id", type: "integer" })
  identityId!: number;

  @Column({ type: "text" })
  channel!: string;

  @Column({ name: "patron_id", type: "integer" })
  patronId!: number;

  @Column({ name: "message_id", type: "bigint", nullable: true })
  messageId!: string | null;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
