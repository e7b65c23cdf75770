-- 0004: the senders this installation takes bundles from (api/src/keys.rs, docs/bundle-format.md).
-- A bundle is signed with its installation's Ed25519 key; it is imported only when that key is
-- trusted here, for the one installation it signs for. Local, never synced: each installation
-- decides whom it trusts. A revoked key keeps its row (revoked_at set) so the list can say
-- when and by whom, and so the changes of its installation are refused from any relay.
CREATE TABLE trusted_keys (
    public_key TEXT PRIMARY KEY,          -- 64 hex digits, lower case
    installation TEXT NOT NULL,           -- the installation id its bundles name (manifest source)
    name TEXT NOT NULL,                   -- the sender's name as its bundles carried it
    trusted_at TEXT NOT NULL,
    trusted_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
) WITHOUT ROWID;
