import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/** also the CHECK constraint on staff_user.role in migrations/ */
export const STAFF_ROLES = ["librarian", "auditor", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A librarian, auditor or admin of the console; the password is stored only as its argon2id hash. */

@Entity({ name: "staff_user" })
export class StaffUser {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text", unique: true })
  username!: string;

  @Column({ name: "display_name", type: "text" })
  displayName!: string;

  @Column({ type: "text" })
  role!: StaffRole;

  @Column({ name: "password_hash", type: "text" })
  passwordHash!: string;

  @Column({ type: "boolean", default: true })
  active!: boolean;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
