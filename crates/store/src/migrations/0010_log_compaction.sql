-- 0010: compacting this installation's own change log (Store::compact_log, store/src/sync/).
-- A change compaction removes keeps its identity here, so one arriving again (an old bundle, a
-- relay) is known, as it would be in the log, not taken as new. Local, never synced.
CREATE TABLE changes_compacted (
    origin TEXT NOT NULL,
    hlc INTEGER NOT NULL,
    PRIMARY KEY (origin, hlc)
) WITHOUT ROWID;

-- When the log was compacted, and what it removed: the day's first sync compacts once.
CREATE TABLE log_compactions (
    at TEXT NOT NULL,
    changes INTEGER NOT NULL,
    removed INTEGER NOT NULL
);

-- How far this installation's own changes are at the hub after each push (the hub's newest
-- clock of this origin): a compaction never removes an own change the hub lacks.
CREATE TABLE sync_pushes (
    at TEXT NOT NULL,
    hlc INTEGER NOT NULL
);

-- What the writer of each bundle read or written here had seen (its manifest's `seen`, else its
-- `known`, as JSON), checked with the bundle: the floors a compaction holds back to.
ALTER TABLE sync_bundles ADD COLUMN seen TEXT;
