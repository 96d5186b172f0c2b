import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

// Also the CHECK constraint in migrations/1764900000000-Media.ts (test/integration/schema.spec.ts compares them).
/** db: the bytes are in the row; dir: in MEDIA_DIR, in a file named by the hash (either: none once erased) */
export const MEDIA_STORAGES = ["db", "dir"] as const;
export type MediaStorage = (typeof MEDIA_STORAGES)[number];

/**
 * A file a patron sent or a librarian attached (append-only, like the message log). Written only
 * by shared/media/store.ts; this entity is for reading.
 */
@Entity({ name: "media" })
export class Media {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ type: "text" })
  sha256!: string;

  @Column({ name: "mime_type", type: "text" })
  mimeType!: string;

  @Column({ type: "integer" })
  size!: number;

  @Column({ name: "file_name", type: "text", nullable: true })
  fileName!: string | null;

  @Column({ type: "text" })
  storage!: MediaStorage;

  @Column({ type: "bytea", nullable: true })
  bytes!: Buffer | null;

  /** who uploaded it in the console; null for a patron's file */
  @Column({ name: "uploaded_by_staff_id", type: "integer", nullable: true })
  uploadedByStaffId!: number | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  /** retention or a member's erasure erased its bytes and name (erase_media()); the rest is kept */
  @Column({ name: "erased_at", type: "timestamptz", nullable: true })
  erasedAt!: Date | null;
}
