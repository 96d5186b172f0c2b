import { Column, CreateDateColumn, Entity, PrimaryColumn } from "typeorm";

/** One version of an FAQ entry's texts: never changed, an edit adds the next version. */
@Entity({ name: "faq_version" })
export class FaqVersion {
  @PrimaryColumn({ name: "entry_id", type: "integer" })
  entryId!: number;

  @PrimaryColumn({ type: "integer" })
  version!: number;

  @Column({ name: "questions_id", type: "jsonb" })
  questionsId!: string[];

  @Column({ name: "answer_id", type: "text" })
  answerId!: string;

  @Column({ name: "questions_en", type: "jsonb" })
  questionsEn!: string[];

  @Column({ name: "answer_en", type: "text" })
  answerEn!: string;

  @Column({ type: "jsonb", default: [] })
  keywords!: string[];

  @Column({ name: "edited_by", type: "integer", nullable: true })
  editedBy!: number | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
