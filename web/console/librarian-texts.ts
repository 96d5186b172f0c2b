/**
 * What librarians write besides replies: internal notes on a conversation (never sent to the
 * patron) and the canned replies they pick from (managed by admins). The one writer of the
 * staff_note and canned_reply tables.
 */
import type { Db } from "../../shared/db";
import { auditStaffAction } from "./staff-audit";

export interface NoteRow {
  id: string;
  conversationId: number;
  staffId: number;
  staffName: string;
  text: string;
  createdAt: string;
}

export interface CannedReply {
  id: number;
  title: string;
  text: string;
}

export class LibrarianTexts {
  constructor(private readonly db: Db) {}

  async notes(conversationId: number): Promise<NoteRow[]> {
    const { rows } = await this.db.query<{
      id: string;
      conversation_id: number;
      staff_id: number;
      staff_name: string;
      text: string;
      created_at: Date;
    }>(
      `SELECT n.id, n.conversation_id, n.staff_id, s.display_name AS staff_name, n.text, n.created_at
       FROM staff_note n JOIN staff_user s ON s.id = n.staff_id
       WHERE n.conversation_id = $1 ORDER BY n.id`,
      [conversationId],
    );
    return rows.map((r) => ({
      id: r.id,
      conversationId: r.conversation_id,
      staffId: r.staff_id,
      staffName: r.staff_name,
      text: r.text,
      createdAt: r.created_at.toISOString(),
    }));
  }

  async addNote(conversationId: number, staffId: number, text: string): Promise<NoteRow> {
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO staff_note (conversation_id, staff_id, text) VALUES ($1, $2, $3) RETURNING id`,
      [conversationId, staffId, text],
    );
    const all = await this.notes(conversationId);
    return all.find((n) => n.id === rows[0]!.id)!;
  }

  async cannedReplies(): Promise<CannedReply[]> {
    const { rows } = await this.db.query<CannedReply>(
      `SELECT id, title, text FROM canned_reply ORDER BY title, id`,
    );
    return rows;
  }

  async addCannedReply(title: string, text: string, staffId: number): Promise<CannedReply> {
    const { rows } = await this.db.query<CannedReply>(
      `INSERT INTO canned_reply (title, text, created_by) VALUES ($1, $2, $3) RETURNING id, title, text`,
      [title, text, staffId],
    );
    await auditStaffAction(this.db, staffId, "canned.add", null, { id: rows[0]!.id });
    return rows[0]!;
  }

  async deleteCannedReply(id: number, staffId: number): Promise<boolean> {
    const { rowCount } = await this.db.query(`DELETE FROM canned_reply WHERE id = $1`, [id]);
    if (rowCount) await auditStaffAction(this.db, staffId, "canned.delete", null, { id });
    return rowCount === 1;
  }
}
