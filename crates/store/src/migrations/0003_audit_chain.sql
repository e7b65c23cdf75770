-- 0003: the audit log's hash chain (store/src/audit.rs). Each row gets `hash` = SHA-256 of the
-- previous row's hash and its own fields. The update trigger is dropped for the time of this
-- migration: its Rust step (audit::chain_existing) hashes the rows already there in sequence
-- order, in this migration's transaction, and then creates the trigger again.
DROP TRIGGER audit_log_no_update;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
-- A row without its hash is refused: every insert goes through audit::append.
CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log WHEN NEW.hash IS NULL
BEGIN SELECT RAISE(ABORT, 'an audit row carries its hash (madoguchi-store audit::append)'); END;

-- The chain heads other installations' bundles carried (manifest `audit_head`): one row per
-- installation and sequence number, the first hash received kept. Local, never synced.
CREATE TABLE audit_witness (
    origin TEXT NOT NULL,                 -- the installation whose log it is
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    bundle TEXT NOT NULL,                 -- the SHA-256 of the bundle that carried it
    received_at TEXT NOT NULL,
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;
