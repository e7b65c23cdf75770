-- 0007: 名寄せ. A merge of two customers moves the other's rows to the kept one and deletes
-- the other; this synced table remembers that the other was merged and into whom, so a
-- change to the other made elsewhere before that installation learnt of the merge (a note, a
-- phone, a request, a document) follows it to the kept customer instead of being deleted with
-- the other (store/src/sync/apply.rs, settle and remove). No foreign key: the kept customer may be
-- merged on in turn, and a merge may arrive before the customers it names.
CREATE TABLE customer_merges (
    id TEXT PRIMARY KEY,                  -- the customer merged away (deleted)
    keep_id TEXT NOT NULL,                -- the customer it was merged into
    merged_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX customer_merges_keep ON customer_merges (keep_id);

-- Generated from sync::TABLES (store/src/sync/log.rs tests); do not edit below.
CREATE TRIGGER customer_merges_log_insert AFTER INSERT ON customer_merges WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customer_merges', NEW.id, json_object('keep_id', NEW.keep_id, 'merged_at', NEW.merged_at, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER customer_merges_log_update AFTER UPDATE ON customer_merges WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'customer_merges', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'keep_id' AS f, NEW.keep_id AS v WHERE NEW.keep_id IS NOT OLD.keep_id
            UNION ALL SELECT 'merged_at' AS f, NEW.merged_at AS v WHERE NEW.merged_at IS NOT OLD.merged_at
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER customer_merges_log_delete AFTER DELETE ON customer_merges WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customer_merges', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'customer_merges', id, json_object('keep_id', customer_merges.keep_id, 'merged_at', customer_merges.merged_at, 'updated_at', customer_merges.updated_at) FROM customer_merges;
UPDATE sync_clock SET hlc = (SELECT coalesce(max(hlc), 0) FROM changes);
