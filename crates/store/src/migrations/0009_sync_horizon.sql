-- 0009: the horizon of the snapshots taken here (store/src/sync/): per installation, the
-- newest clock a snapshot covered. A snapshot carries a compacted log, so below its horizon a
-- change the log lacks was replaced in every field by one it holds: `known_clocks` reports at
-- least the horizon, so nothing below it is asked for again (one arriving anyway is taken, and
-- loses where it was replaced). Local, never synced.
CREATE TABLE sync_horizon (
    origin TEXT PRIMARY KEY,
    hlc INTEGER NOT NULL
) WITHOUT ROWID;
