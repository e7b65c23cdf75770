-- 0004: the senders this installation takes bundles from (api/src/keys.rs, docs/bundle-format.md).
-- A bundle is signed with its installation's Ed25519 key; it is imported only when that key is
-- trusted here. Local, never synced: each installation decides whom it trusts. A revoked key
-- keeps its row (revoked_at set) so the list can say when and by whom.
CREATE TABLE trusted_keys (
    public_key TEXT PRIMARY KEY,          -- 64 hex digits, lower case
    name TEXT NOT NULL,                   -- the sender's name as its bundles carried it
    trusted_at TEXT NOT NULL,
    trusted_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
) WITHOUT ROWID;
