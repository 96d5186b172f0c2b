import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

export type StaffRole = "librarian" | "auditor" | "admin";

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
