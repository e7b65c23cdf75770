-- 0001: customers, their phones, emails and accounts at the five services; shop orders and
-- lines; issued documents; requests with status history; call notes; the audit log; and the
-- search tables of the lookup box. Every row has a stable text id and an updated_at, so an
-- export sync can be built on them. Moments are RFC 3339 in +09:00; money is whole yen text.

CREATE TABLE installation (
    id TEXT PRIMARY KEY,                  -- generated once per database
    created_at TEXT NOT NULL
);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'company')),
    name TEXT NOT NULL CHECK (name <> ''),
    name_kana TEXT NOT NULL CHECK (name_kana <> ''),
    birth_date TEXT,                      -- YYYY-MM-DD, persons only
    prefecture TEXT NOT NULL,
    postal_code TEXT NOT NULL CHECK (length(postal_code) = 7),  -- seven digits
    address TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX customers_postal_code ON customers (postal_code);

CREATE TABLE customer_phones (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    number TEXT NOT NULL,                 -- as written
    digits TEXT NOT NULL,                 -- 0312345678: the search key
    digits_reversed TEXT NOT NULL,        -- 8765432130: finds the last digits (下4桁)
    label TEXT,                           -- 自宅, 携帯, 会社…
    updated_at TEXT NOT NULL
);
CREATE INDEX customer_phones_digits ON customer_phones (digits);
CREATE INDEX customer_phones_digits_reversed ON customer_phones (digits_reversed);
CREATE INDEX customer_phones_customer ON customer_phones (customer_id);

CREATE TABLE customer_emails (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    address_key TEXT NOT NULL,            -- lowercased
    updated_at TEXT NOT NULL
);
CREATE INDEX customer_emails_key ON customer_emails (address_key);
CREATE INDEX customer_emails_customer ON customer_emails (customer_id);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    service TEXT NOT NULL CHECK (service IN ('alwater', 'amano-shop', 'kaunet', 'allwatch', 'plus-aqua')),
    customer_number TEXT NOT NULL CHECK (customer_number <> ''),
    number_key TEXT NOT NULL,             -- NFKC, upper case: the search key
    status TEXT NOT NULL,                 -- active, paused, cancelled…
    plan TEXT,                            -- plus-aqua basic/zutto
    server_model TEXT,                    -- alwater / plus-aqua
    servers INTEGER,
    first_delivery TEXT,
    last_shipment TEXT,
    dealer TEXT,                          -- kaunet 担当販売店
    monthly_limit TEXT,                   -- kaunet 月間購入上限金額 (yen)
    billing_cycle TEXT,                   -- allwatch 6m/12m
    paid_through TEXT,                    -- allwatch YYYY-MM
    terminals INTEGER,                    -- allwatch
    np_terms TEXT,                        -- amano-shop NP掛け払い
    points INTEGER,                       -- amano-shop
    member INTEGER,                       -- amano-shop: 1 registered member, 0 guest
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (service, customer_number)
);
CREATE INDEX accounts_number_key ON accounts (number_key);
CREATE INDEX accounts_customer ON accounts (customer_id);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    order_number TEXT NOT NULL UNIQUE,    -- EC…
    ordered_at TEXT NOT NULL,
    payment_method TEXT NOT NULL CHECK (payment_method IN ('credit_card', 'np_invoice', 'bank_transfer', 'cash_on_delivery', 'kddi_invoice')),
    shipped_on TEXT,                      -- null until shipped
    status TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX orders_account ON orders (account_id);

CREATE TABLE order_lines (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no INTEGER NOT NULL,
    product_code TEXT NOT NULL,
    name TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price TEXT NOT NULL,             -- whole yen, tax included
    tax TEXT NOT NULL CHECK (tax IN ('standard', 'reduced', 'non_taxable')),
    delivery_note INTEGER NOT NULL DEFAULT 0,  -- the product allows a 納品書
    updated_at TEXT NOT NULL,
    UNIQUE (order_id, line_no)
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    customer_id TEXT REFERENCES customers (id),  -- null for a document typed in by hand
    account_id TEXT REFERENCES accounts (id),
    order_id TEXT REFERENCES orders (id),
    doc_type TEXT NOT NULL CHECK (doc_type IN ('estimate', 'delivery_note', 'invoice', 'receipt', 'cooling_off', 'refund_claim', 'dealer_change_fax')),
    number TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    reissue_of TEXT REFERENCES documents (id),
    snapshot TEXT NOT NULL,               -- the JSON document model it was issued with
    pdf_sha256 TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- A number belongs to one document; its re-issues (再発行) print the same number.
CREATE UNIQUE INDEX documents_number ON documents (doc_type, number) WHERE reissue_of IS NULL;
CREATE INDEX documents_customer ON documents (customer_id);

-- Document numbering: per type, only ever up (never reused, even when a render fails the
-- transaction rolls the counter back with it, so no number is ever skipped into use twice).
CREATE TABLE document_counters (
    doc_type TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);

-- The issuer printed on each service's documents, and the seal image placed over its name.
CREATE TABLE issuers (
    service TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    fax TEXT,
    registration_number TEXT,
    seal_png BLOB,
    updated_at TEXT NOT NULL
);

-- Settings of this installation (agent name, numbering prefixes…), key → value.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    account_id TEXT REFERENCES accounts (id),
    request_type TEXT NOT NULL,
    status TEXT NOT NULL,
    fields TEXT NOT NULL DEFAULT '{}',    -- the type's own fields, JSON
    due_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX requests_customer ON requests (customer_id);
CREATE INDEX requests_open_due ON requests (status, due_on);

CREATE TABLE request_history (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    seq INTEGER NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    UNIQUE (request_id, seq)
);

CREATE TABLE call_notes (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    body TEXT NOT NULL CHECK (body <> ''),
    updated_at TEXT NOT NULL
);
CREATE INDEX call_notes_customer ON call_notes (customer_id, at);

-- Who changed what, when, from what to what. Append-only: the triggers refuse the rest.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,                 -- table name
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    field TEXT,                           -- null for a whole-row insert or delete
    old_value TEXT,
    new_value TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- The lookup box. Name keys (NFKC, kana folded, no spaces) in a trigram index for parts of
-- three characters or more, and name tokens (family and given names, kanji and kana) for
-- one- and two-character prefixes such as 佐藤 or さと.
CREATE VIRTUAL TABLE customer_name_fts USING fts5 (name_key, tokenize = 'trigram', content = '', contentless_delete = 1);
CREATE TABLE customer_name_tokens (
    token TEXT NOT NULL,
    customer_rowid INTEGER NOT NULL,
    PRIMARY KEY (token, customer_rowid)
) WITHOUT ROWID;
CREATE INDEX customer_name_tokens_customer ON customer_name_tokens (customer_rowid);
