import { Column, CreateDateColumn, Entity, PrimaryColumn } from "typeorm";

/**
 * A console sign-in. The browser holds an opaque random token; only its SHA-256 is stored, so a
 * leaked table cannot be replayed. Written by web/console/staff.ts.
 */
@Entity({ name: "staff_session" })
export class StaffSession {
  @PrimaryColumn({ name: "token_hash", type: "text" })
  tokenHash!: string;

  @Column({ name: "staff_id", type: "integer" })
  staffId!: number;

  @Column({ name: "csrf_token", type: "text" })
  csrfToken!: string;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  @Column({ name: "user_agent", type: "text", nullable: true })
  userAgent!: string | null;
}
