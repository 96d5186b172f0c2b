/**
 * SLiMS 8 "Akasia" (8.3.1) as its installer creates it: slims/slims8_akasia install/senayan.sql
 * (commit 8768002a), run by install/install2.php into a database it creates as
 * `utf8 COLLATE utf8_unicode_ci`.
 *
 * Against SLiMS 9 (slims9.ts), for this project: `system_log` has no `sub_module` / `action`
 * columns, and there is no `loan_history` table and no trigger on `loan`. Older 8.x databases
 * (before 8.3.1's upgrade role 19) also lack `loan.input_date` / `last_update` / `uid`: those are
 * not supported (the relay's GRANT names `loan.last_update`).
 */
import { TAIL, commonTables } from "./common";

export const DATABASE_DEFAULT = "CHARACTER SET utf8 COLLATE utf8_unicode_ci";

export const TABLES: string[] = [
  ...commonTables(50),
  `CREATE TABLE system_log (
    log_id int(11) NOT NULL AUTO_INCREMENT,
    log_type enum('staff','member','system') NOT NULL DEFAULT 'staff',
    id varchar(50) DEFAULT NULL,
    log_location varchar(50) NOT NULL,
    log_msg text NOT NULL,
    log_date datetime NOT NULL,
    PRIMARY KEY (log_id),
    KEY log_type (log_type),
    KEY id (id)
  ) ${TAIL} AUTO_INCREMENT=1`,
];

export const TRIGGERS: string[] = [];
