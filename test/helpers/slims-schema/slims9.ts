/**
 * SLiMS 9 "Bulian" as its installer creates it: slims/slims9_bulian install/install.sql.php
 * (commit ce0afea5), run by install/api.php ("do-install") into a database created by
 * install/SLiMS.inc.php createDatabase() as `utf8mb4 COLLATE utf8mb4_bin` — only the database
 * default: every table below still declares utf8 / utf8_unicode_ci (common.ts).
 *
 * What 9 has and 8 has not, for this project:
 * - `system_log.sub_module` and `.action` (added by Upgrade.inc.php upgrade_role_26, v9.3.0);
 * - `loan_history` and its three triggers on `loan` (upgrade_role_20, v9.0.0): every INSERT,
 *   UPDATE and DELETE of a loan is copied there, so a renewal's UPDATE writes loan_history too —
 *   with the trigger DEFINER's rights, not the relay account's.
 */
import { TAIL, commonTables } from "./common";

export const DATABASE_DEFAULT = "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";

export const TABLES: string[] = [
  ...commonTables(100),
  `CREATE TABLE system_log (
    log_id int(11) NOT NULL AUTO_INCREMENT,
    log_type enum('staff','member','system') NOT NULL DEFAULT 'staff',
    id varchar(50) DEFAULT NULL,
    log_location varchar(50) NOT NULL,
    sub_module varchar(50) NULL,
    action varchar(50) NULL,
    log_msg text NOT NULL,
    log_date datetime NOT NULL,
    PRIMARY KEY (log_id),
    KEY log_type (log_type),
    KEY id (id)
  ) ${TAIL} AUTO_INCREMENT=1`,
  // No AUTO_INCREMENT: the loan's own id. biblio_id is NOT NULL, filled by the insert trigger.
  `CREATE TABLE loan_history (
    loan_id int(11) NOT NULL,
    item_code varchar(20) DEFAULT NULL,
    biblio_id int(11) NOT NULL,
    title varchar(300) DEFAULT NULL,
    call_number varchar(50) DEFAULT NULL,
    classification varchar(40) DEFAULT NULL,
    gmd_name varchar(30) DEFAULT NULL,
    language_name varchar(20) DEFAULT NULL,
    location_name varchar(100) DEFAULT NULL,
    collection_type_name varchar(100) DEFAULT NULL,
    member_id varchar(20) DEFAULT NULL,
    member_name varchar(100) DEFAULT NULL,
    member_type_name varchar(64) DEFAULT NULL,
    loan_date date DEFAULT NULL,
    due_date date DEFAULT NULL,
    renewed int(11) NOT NULL DEFAULT '0',
    is_lent int(11) NOT NULL DEFAULT '0',
    is_return int(11) NOT NULL DEFAULT '0',
    return_date date DEFAULT NULL,
    input_date datetime DEFAULT NULL,
    last_update datetime DEFAULT NULL,
    PRIMARY KEY (loan_id),
    KEY member_name (member_name)
  ) ${TAIL}`,
];

/**
 * The installer's triggers ($query_trigger). Note what the update trigger copies: is_lent,
 * is_return, renewed and return_date — not due_date, so loan_history keeps the first due date.
 */
export const TRIGGERS: string[] = [
  `CREATE TRIGGER delete_loan_history AFTER DELETE ON loan
   FOR EACH ROW DELETE FROM loan_history WHERE loan_id = OLD.loan_id`,
  `CREATE TRIGGER update_loan_history AFTER UPDATE ON loan
   FOR EACH ROW UPDATE loan_history
     SET is_lent = NEW.is_lent, is_return = NEW.is_return, renewed = NEW.renewed,
         return_date = NEW.return_date
     WHERE loan_id = NEW.loan_id`,
  `CREATE TRIGGER insert_loan_history AFTER INSERT ON loan
   FOR EACH ROW INSERT INTO loan_history SET
     loan_id = NEW.loan_id, item_code = NEW.item_code, member_id = NEW.member_id,
     loan_date = NEW.loan_date, due_date = NEW.due_date, renewed = NEW.renewed,
     is_lent = NEW.is_lent, is_return = NEW.is_return, return_date = NEW.return_date,
     input_date = NEW.input_date, last_update = NEW.last_update,
     title = (SELECT b.title FROM biblio b LEFT JOIN item i ON i.biblio_id = b.biblio_id
              WHERE i.item_code = NEW.item_code),
     biblio_id = (SELECT b.biblio_id FROM biblio b LEFT JOIN item i ON i.biblio_id = b.biblio_id
                  WHERE i.item_code = NEW.item_code),
     call_number = (SELECT IF(i.call_number IS NULL, b.call_number, i.call_number)
                    FROM biblio b LEFT JOIN item i ON i.biblio_id = b.biblio_id
                    WHERE i.item_code = NEW.item_code),
     classification = (SELECT b.classification FROM biblio b LEFT JOIN item i ON i.biblio_id = b.biblio_id
                       WHERE i.item_code = NEW.item_code),
     gmd_name = (SELECT g.gmd_name FROM biblio b LEFT JOIN item i ON i.biblio_id = b.biblio_id
                 LEFT JOIN mst_gmd g ON g.gmd_id = b.gmd_id WHERE i.item_code = NEW.item_code),
     language_name = (SELECT l.language_name FROM biblio b LEFT JOIN item i ON i.biblio_id = b.biblio_id
                      LEFT JOIN mst_language l ON b.language_id = l.language_id
                      WHERE i.item_code = NEW.item_code),
     location_name = (SELECT ml.location_name FROM item i LEFT JOIN mst_location ml
                      ON i.location_id = ml.location_id WHERE i.item_code = NEW.item_code),
     collection_type_name = (SELECT mct.coll_type_name FROM mst_coll_type mct LEFT JOIN item i
                             ON i.coll_type_id = mct.coll_type_id WHERE i.item_code = NEW.item_code),
     member_name = (SELECT m.member_name FROM member m WHERE m.member_id = NEW.member_id),
     member_type_name = (SELECT mmt.member_type_name FROM mst_member_type mmt LEFT JOIN member m
                         ON m.member_type_id = mmt.member_type_id WHERE m.member_id = NEW.member_id)`,
];
