-- 0002: the change log behind sync (store/src/sync/). Every insert, update and delete of a
-- synced table writes a row of `changes` in the same transaction, stamped with this
-- installation's hybrid logical clock; rows that existed before are logged once here, older
-- than any later change. Also: request history no longer requires (request_id, seq) to be
-- unique, since two agents may move the same request at the same time on two installations.

-- The clock: the last value issued or seen (ms << 16 | counter); this installation's id;
-- `applying` = 1 while an import writes others' changes, which are logged as they came.
CREATE TABLE sync_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    hlc INTEGER NOT NULL,
    origin TEXT NOT NULL,
    applying INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_clock (id, hlc, origin) VALUES (1, 0, coalesce((SELECT id FROM installation), ''));

CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,              -- the order this installation learnt them in
    hlc INTEGER NOT NULL,
    origin TEXT NOT NULL,                 -- the installation that made the change
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    data TEXT,                            -- JSON object of the fields set; NULL: deleted
    UNIQUE (origin, hlc)
);
CREATE INDEX changes_row ON changes (tbl, row_id);

-- Rows whose parent has not arrived yet; settled again at every import.
CREATE TABLE sync_pending (
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

-- Bundles written or read here (by content hash), so a shared folder is read once.
CREATE TABLE sync_bundles (
    sha256 TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('export', 'import')),
    clock_to INTEGER NOT NULL,
    changes INTEGER NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE request_history_new (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    seq INTEGER NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
INSERT INTO request_history_new SELECT id, request_id, seq, from_status, to_status, actor, at, comment, updated_at FROM request_history;
DROP TABLE request_history;
ALTER TABLE request_history_new RENAME TO request_history;
CREATE INDEX request_history_request ON request_history (request_id, seq);

-- Generated from sync::TABLES (store/src/sync/log.rs tests); do not edit below.
CREATE TRIGGER customers_log_insert AFTER INSERT ON customers WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customers', NEW.id, json_object('kind', NEW.kind, 'name', NEW.name, 'name_kana', NEW.name_kana, 'birth_date', NEW.birth_date, 'prefecture', NEW.prefecture, 'postal_code', NEW.postal_code, 'address', NEW.address, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER customers_log_update AFTER UPDATE ON customers WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'customers', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'kind' AS f, NEW.kind AS v WHERE NEW.kind IS NOT OLD.kind
            UNION ALL SELECT 'name' AS f, NEW.name AS v WHERE NEW.name IS NOT OLD.name
            UNION ALL SELECT 'name_kana' AS f, NEW.name_kana AS v WHERE NEW.name_kana IS NOT OLD.name_kana
            UNION ALL SELECT 'birth_date' AS f, NEW.birth_date AS v WHERE NEW.birth_date IS NOT OLD.birth_date
            UNION ALL SELECT 'prefecture' AS f, NEW.prefecture AS v WHERE NEW.prefecture IS NOT OLD.prefecture
            UNION ALL SELECT 'postal_code' AS f, NEW.postal_code AS v WHERE NEW.postal_code IS NOT OLD.postal_code
            UNION ALL SELECT 'address' AS f, NEW.address AS v WHERE NEW.address IS NOT OLD.address
            UNION ALL SELECT 'created_at' AS f, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER customers_log_delete AFTER DELETE ON customers WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customers', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'customers', id, json_object('kind', customers.kind, 'name', customers.name, 'name_kana', customers.name_kana, 'birth_date', customers.birth_date, 'prefecture', customers.prefecture, 'postal_code', customers.postal_code, 'address', customers.address, 'created_at', customers.created_at, 'updated_at', customers.updated_at) FROM customers;

CREATE TRIGGER customer_phones_log_insert AFTER INSERT ON customer_phones WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customer_phones', NEW.id, json_object('customer_id', NEW.customer_id, 'number', NEW.number, 'digits', NEW.digits, 'digits_reversed', NEW.digits_reversed, 'label', NEW.label, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER customer_phones_log_update AFTER UPDATE ON customer_phones WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'customer_phones', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'customer_id' AS f, NEW.customer_id AS v WHERE NEW.customer_id IS NOT OLD.customer_id
            UNION ALL SELECT 'number' AS f, NEW.number AS v WHERE NEW.number IS NOT OLD.number
            UNION ALL SELECT 'digits' AS f, NEW.digits AS v WHERE NEW.digits IS NOT OLD.digits
            UNION ALL SELECT 'digits_reversed' AS f, NEW.digits_reversed AS v WHERE NEW.digits_reversed IS NOT OLD.digits_reversed
            UNION ALL SELECT 'label' AS f, NEW.label AS v WHERE NEW.label IS NOT OLD.label
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER customer_phones_log_delete AFTER DELETE ON customer_phones WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customer_phones', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'customer_phones', id, json_object('customer_id', customer_phones.customer_id, 'number', customer_phones.number, 'digits', customer_phones.digits, 'digits_reversed', customer_phones.digits_reversed, 'label', customer_phones.label, 'updated_at', customer_phones.updated_at) FROM customer_phones;

CREATE TRIGGER customer_emails_log_insert AFTER INSERT ON customer_emails WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customer_emails', NEW.id, json_object('customer_id', NEW.customer_id, 'address', NEW.address, 'address_key', NEW.address_key, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER customer_emails_log_update AFTER UPDATE ON customer_emails WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'customer_emails', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'customer_id' AS f, NEW.customer_id AS v WHERE NEW.customer_id IS NOT OLD.customer_id
            UNION ALL SELECT 'address' AS f, NEW.address AS v WHERE NEW.address IS NOT OLD.address
            UNION ALL SELECT 'address_key' AS f, NEW.address_key AS v WHERE NEW.address_key IS NOT OLD.address_key
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER customer_emails_log_delete AFTER DELETE ON customer_emails WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customer_emails', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'customer_emails', id, json_object('customer_id', customer_emails.customer_id, 'address', customer_emails.address, 'address_key', customer_emails.address_key, 'updated_at', customer_emails.updated_at) FROM customer_emails;

CREATE TRIGGER accounts_log_insert AFTER INSERT ON accounts WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'accounts', NEW.id, json_object('customer_id', NEW.customer_id, 'service', NEW.service, 'customer_number', NEW.customer_number, 'number_key', NEW.number_key, 'status', NEW.status, 'plan', NEW.plan, 'server_model', NEW.server_model, 'servers', NEW.servers, 'first_delivery', NEW.first_delivery, 'last_shipment', NEW.last_shipment, 'dealer', NEW.dealer, 'monthly_limit', NEW.monthly_limit, 'billing_cycle', NEW.billing_cycle, 'paid_through', NEW.paid_through, 'terminals', NEW.terminals, 'np_terms', NEW.np_terms, 'points', NEW.points, 'member', NEW.member, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER accounts_log_update AFTER UPDATE ON accounts WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'accounts', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'customer_id' AS f, NEW.customer_id AS v WHERE NEW.customer_id IS NOT OLD.customer_id
            UNION ALL SELECT 'service' AS f, NEW.service AS v WHERE NEW.service IS NOT OLD.service
            UNION ALL SELECT 'customer_number' AS f, NEW.customer_number AS v WHERE NEW.customer_number IS NOT OLD.customer_number
            UNION ALL SELECT 'number_key' AS f, NEW.number_key AS v WHERE NEW.number_key IS NOT OLD.number_key
            UNION ALL SELECT 'status' AS f, NEW.status AS v WHERE NEW.status IS NOT OLD.status
            UNION ALL SELECT 'plan' AS f, NEW.plan AS v WHERE NEW.plan IS NOT OLD.plan
            UNION ALL SELECT 'server_model' AS f, NEW.server_model AS v WHERE NEW.server_model IS NOT OLD.server_model
            UNION ALL SELECT 'servers' AS f, NEW.servers AS v WHERE NEW.servers IS NOT OLD.servers
            UNION ALL SELECT 'first_delivery' AS f, NEW.first_delivery AS v WHERE NEW.first_delivery IS NOT OLD.first_delivery
            UNION ALL SELECT 'last_shipment' AS f, NEW.last_shipment AS v WHERE NEW.last_shipment IS NOT OLD.last_shipment
            UNION ALL SELECT 'dealer' AS f, NEW.dealer AS v WHERE NEW.dealer IS NOT OLD.dealer
            UNION ALL SELECT 'monthly_limit' AS f, NEW.monthly_limit AS v WHERE NEW.monthly_limit IS NOT OLD.monthly_limit
            UNION ALL SELECT 'billing_cycle' AS f, NEW.billing_cycle AS v WHERE NEW.billing_cycle IS NOT OLD.billing_cycle
            UNION ALL SELECT 'paid_through' AS f, NEW.paid_through AS v WHERE NEW.paid_through IS NOT OLD.paid_through
            UNION ALL SELECT 'terminals' AS f, NEW.terminals AS v WHERE NEW.terminals IS NOT OLD.terminals
            UNION ALL SELECT 'np_terms' AS f, NEW.np_terms AS v WHERE NEW.np_terms IS NOT OLD.np_terms
            UNION ALL SELECT 'points' AS f, NEW.points AS v WHERE NEW.points IS NOT OLD.points
            UNION ALL SELECT 'member' AS f, NEW.member AS v WHERE NEW.member IS NOT OLD.member
            UNION ALL SELECT 'created_at' AS f, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER accounts_log_delete AFTER DELETE ON accounts WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'accounts', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'accounts', id, json_object('customer_id', accounts.customer_id, 'service', accounts.service, 'customer_number', accounts.customer_number, 'number_key', accounts.number_key, 'status', accounts.status, 'plan', accounts.plan, 'server_model', accounts.server_model, 'servers', accounts.servers, 'first_delivery', accounts.first_delivery, 'last_shipment', accounts.last_shipment, 'dealer', accounts.dealer, 'monthly_limit', accounts.monthly_limit, 'billing_cycle', accounts.billing_cycle, 'paid_through', accounts.paid_through, 'terminals', accounts.terminals, 'np_terms', accounts.np_terms, 'points', accounts.points, 'member', accounts.member, 'created_at', accounts.created_at, 'updated_at', accounts.updated_at) FROM accounts;

CREATE TRIGGER orders_log_insert AFTER INSERT ON orders WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'orders', NEW.id, json_object('account_id', NEW.account_id, 'order_number', NEW.order_number, 'ordered_at', NEW.ordered_at, 'payment_method', NEW.payment_method, 'shipped_on', NEW.shipped_on, 'status', NEW.status, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER orders_log_update AFTER UPDATE ON orders WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'orders', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'account_id' AS f, NEW.account_id AS v WHERE NEW.account_id IS NOT OLD.account_id
            UNION ALL SELECT 'order_number' AS f, NEW.order_number AS v WHERE NEW.order_number IS NOT OLD.order_number
            UNION ALL SELECT 'ordered_at' AS f, NEW.ordered_at AS v WHERE NEW.ordered_at IS NOT OLD.ordered_at
            UNION ALL SELECT 'payment_method' AS f, NEW.payment_method AS v WHERE NEW.payment_method IS NOT OLD.payment_method
            UNION ALL SELECT 'shipped_on' AS f, NEW.shipped_on AS v WHERE NEW.shipped_on IS NOT OLD.shipped_on
            UNION ALL SELECT 'status' AS f, NEW.status AS v WHERE NEW.status IS NOT OLD.status
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER orders_log_delete AFTER DELETE ON orders WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'orders', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'orders', id, json_object('account_id', orders.account_id, 'order_number', orders.order_number, 'ordered_at', orders.ordered_at, 'payment_method', orders.payment_method, 'shipped_on', orders.shipped_on, 'status', orders.status, 'updated_at', orders.updated_at) FROM orders;

CREATE TRIGGER order_lines_log_insert AFTER INSERT ON order_lines WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'order_lines', NEW.id, json_object('order_id', NEW.order_id, 'line_no', NEW.line_no, 'product_code', NEW.product_code, 'name', NEW.name, 'quantity', NEW.quantity, 'unit_price', NEW.unit_price, 'tax', NEW.tax, 'delivery_note', NEW.delivery_note, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER order_lines_log_update AFTER UPDATE ON order_lines WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'order_lines', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'order_id' AS f, NEW.order_id AS v WHERE NEW.order_id IS NOT OLD.order_id
            UNION ALL SELECT 'line_no' AS f, NEW.line_no AS v WHERE NEW.line_no IS NOT OLD.line_no
            UNION ALL SELECT 'product_code' AS f, NEW.product_code AS v WHERE NEW.product_code IS NOT OLD.product_code
            UNION ALL SELECT 'name' AS f, NEW.name AS v WHERE NEW.name IS NOT OLD.name
            UNION ALL SELECT 'quantity' AS f, NEW.quantity AS v WHERE NEW.quantity IS NOT OLD.quantity
            UNION ALL SELECT 'unit_price' AS f, NEW.unit_price AS v WHERE NEW.unit_price IS NOT OLD.unit_price
            UNION ALL SELECT 'tax' AS f, NEW.tax AS v WHERE NEW.tax IS NOT OLD.tax
            UNION ALL SELECT 'delivery_note' AS f, NEW.delivery_note AS v WHERE NEW.delivery_note IS NOT OLD.delivery_note
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER order_lines_log_delete AFTER DELETE ON order_lines WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'order_lines', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'order_lines', id, json_object('order_id', order_lines.order_id, 'line_no', order_lines.line_no, 'product_code', order_lines.product_code, 'name', order_lines.name, 'quantity', order_lines.quantity, 'unit_price', order_lines.unit_price, 'tax', order_lines.tax, 'delivery_note', order_lines.delivery_note, 'updated_at', order_lines.updated_at) FROM order_lines;

CREATE TRIGGER issuers_log_insert AFTER INSERT ON issuers WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'issuers', NEW.service, json_object('name', NEW.name, 'postal_code', NEW.postal_code, 'address', NEW.address, 'phone', NEW.phone, 'fax', NEW.fax, 'registration_number', NEW.registration_number, 'seal_png', hex(NEW.seal_png), 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER issuers_log_update AFTER UPDATE ON issuers WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'issuers', NEW.service, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'name' AS f, NEW.name AS v WHERE NEW.name IS NOT OLD.name
            UNION ALL SELECT 'postal_code' AS f, NEW.postal_code AS v WHERE NEW.postal_code IS NOT OLD.postal_code
            UNION ALL SELECT 'address' AS f, NEW.address AS v WHERE NEW.address IS NOT OLD.address
            UNION ALL SELECT 'phone' AS f, NEW.phone AS v WHERE NEW.phone IS NOT OLD.phone
            UNION ALL SELECT 'fax' AS f, NEW.fax AS v WHERE NEW.fax IS NOT OLD.fax
            UNION ALL SELECT 'registration_number' AS f, NEW.registration_number AS v WHERE NEW.registration_number IS NOT OLD.registration_number
            UNION ALL SELECT 'seal_png' AS f, hex(NEW.seal_png) AS v WHERE NEW.seal_png IS NOT OLD.seal_png
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER issuers_log_delete AFTER DELETE ON issuers WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'issuers', OLD.service, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'issuers', service, json_object('name', issuers.name, 'postal_code', issuers.postal_code, 'address', issuers.address, 'phone', issuers.phone, 'fax', issuers.fax, 'registration_number', issuers.registration_number, 'seal_png', hex(issuers.seal_png), 'updated_at', issuers.updated_at) FROM issuers;

CREATE TRIGGER documents_log_insert AFTER INSERT ON documents WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'documents', NEW.id, json_object('customer_id', NEW.customer_id, 'account_id', NEW.account_id, 'order_id', NEW.order_id, 'doc_type', NEW.doc_type, 'number', NEW.number, 'issued_at', NEW.issued_at, 'reissue_of', NEW.reissue_of, 'snapshot', NEW.snapshot, 'pdf_sha256', NEW.pdf_sha256, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER documents_log_update AFTER UPDATE ON documents WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'documents', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'customer_id' AS f, NEW.customer_id AS v WHERE NEW.customer_id IS NOT OLD.customer_id
            UNION ALL SELECT 'account_id' AS f, NEW.account_id AS v WHERE NEW.account_id IS NOT OLD.account_id
            UNION ALL SELECT 'order_id' AS f, NEW.order_id AS v WHERE NEW.order_id IS NOT OLD.order_id
            UNION ALL SELECT 'doc_type' AS f, NEW.doc_type AS v WHERE NEW.doc_type IS NOT OLD.doc_type
            UNION ALL SELECT 'number' AS f, NEW.number AS v WHERE NEW.number IS NOT OLD.number
            UNION ALL SELECT 'issued_at' AS f, NEW.issued_at AS v WHERE NEW.issued_at IS NOT OLD.issued_at
            UNION ALL SELECT 'reissue_of' AS f, NEW.reissue_of AS v WHERE NEW.reissue_of IS NOT OLD.reissue_of
            UNION ALL SELECT 'snapshot' AS f, NEW.snapshot AS v WHERE NEW.snapshot IS NOT OLD.snapshot
            UNION ALL SELECT 'pdf_sha256' AS f, NEW.pdf_sha256 AS v WHERE NEW.pdf_sha256 IS NOT OLD.pdf_sha256
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER documents_log_delete AFTER DELETE ON documents WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'documents', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'documents', id, json_object('customer_id', documents.customer_id, 'account_id', documents.account_id, 'order_id', documents.order_id, 'doc_type', documents.doc_type, 'number', documents.number, 'issued_at', documents.issued_at, 'reissue_of', documents.reissue_of, 'snapshot', documents.snapshot, 'pdf_sha256', documents.pdf_sha256, 'updated_at', documents.updated_at) FROM documents;

CREATE TRIGGER requests_log_insert AFTER INSERT ON requests WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'requests', NEW.id, json_object('customer_id', NEW.customer_id, 'account_id', NEW.account_id, 'request_type', NEW.request_type, 'status', NEW.status, 'fields', NEW.fields, 'due_on', NEW.due_on, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER requests_log_update AFTER UPDATE ON requests WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'requests', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'customer_id' AS f, NEW.customer_id AS v WHERE NEW.customer_id IS NOT OLD.customer_id
            UNION ALL SELECT 'account_id' AS f, NEW.account_id AS v WHERE NEW.account_id IS NOT OLD.account_id
            UNION ALL SELECT 'request_type' AS f, NEW.request_type AS v WHERE NEW.request_type IS NOT OLD.request_type
            UNION ALL SELECT 'status' AS f, NEW.status AS v WHERE NEW.status IS NOT OLD.status
            UNION ALL SELECT 'fields' AS f, NEW.fields AS v WHERE NEW.fields IS NOT OLD.fields
            UNION ALL SELECT 'due_on' AS f, NEW.due_on AS v WHERE NEW.due_on IS NOT OLD.due_on
            UNION ALL SELECT 'created_at' AS f, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER requests_log_delete AFTER DELETE ON requests WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'requests', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'requests', id, json_object('customer_id', requests.customer_id, 'account_id', requests.account_id, 'request_type', requests.request_type, 'status', requests.status, 'fields', requests.fields, 'due_on', requests.due_on, 'created_at', requests.created_at, 'updated_at', requests.updated_at) FROM requests;

CREATE TRIGGER request_history_log_insert AFTER INSERT ON request_history WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'request_history', NEW.id, json_object('request_id', NEW.request_id, 'seq', NEW.seq, 'from_status', NEW.from_status, 'to_status', NEW.to_status, 'actor', NEW.actor, 'at', NEW.at, 'comment', NEW.comment, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER request_history_log_update AFTER UPDATE ON request_history WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'request_history', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'request_id' AS f, NEW.request_id AS v WHERE NEW.request_id IS NOT OLD.request_id
            UNION ALL SELECT 'seq' AS f, NEW.seq AS v WHERE NEW.seq IS NOT OLD.seq
            UNION ALL SELECT 'from_status' AS f, NEW.from_status AS v WHERE NEW.from_status IS NOT OLD.from_status
            UNION ALL SELECT 'to_status' AS f, NEW.to_status AS v WHERE NEW.to_status IS NOT OLD.to_status
            UNION ALL SELECT 'actor' AS f, NEW.actor AS v WHERE NEW.actor IS NOT OLD.actor
            UNION ALL SELECT 'at' AS f, NEW.at AS v WHERE NEW.at IS NOT OLD.at
            UNION ALL SELECT 'comment' AS f, NEW.comment AS v WHERE NEW.comment IS NOT OLD.comment
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER request_history_log_delete AFTER DELETE ON request_history WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'request_history', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'request_history', id, json_object('request_id', request_history.request_id, 'seq', request_history.seq, 'from_status', request_history.from_status, 'to_status', request_history.to_status, 'actor', request_history.actor, 'at', request_history.at, 'comment', request_history.comment, 'updated_at', request_history.updated_at) FROM request_history;

CREATE TRIGGER call_notes_log_insert AFTER INSERT ON call_notes WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'call_notes', NEW.id, json_object('customer_id', NEW.customer_id, 'author', NEW.author, 'at', NEW.at, 'body', NEW.body, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
CREATE TRIGGER call_notes_log_update AFTER UPDATE ON call_notes WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, 'call_notes', NEW.id, d.data FROM sync_clock c,
        (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (
            SELECT 'customer_id' AS f, NEW.customer_id AS v WHERE NEW.customer_id IS NOT OLD.customer_id
            UNION ALL SELECT 'author' AS f, NEW.author AS v WHERE NEW.author IS NOT OLD.author
            UNION ALL SELECT 'at' AS f, NEW.at AS v WHERE NEW.at IS NOT OLD.at
            UNION ALL SELECT 'body' AS f, NEW.body AS v WHERE NEW.body IS NOT OLD.body
            UNION ALL SELECT 'updated_at' AS f, NEW.updated_at AS v WHERE NEW.updated_at IS NOT OLD.updated_at
        )) d WHERE d.n > 0;
END;
CREATE TRIGGER call_notes_log_delete AFTER DELETE ON call_notes WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'call_notes', OLD.id, NULL FROM sync_clock;
END;
INSERT INTO changes (hlc, origin, tbl, row_id, data)
    SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), 'call_notes', id, json_object('customer_id', call_notes.customer_id, 'author', call_notes.author, 'at', call_notes.at, 'body', call_notes.body, 'updated_at', call_notes.updated_at) FROM call_notes;
UPDATE sync_clock SET hlc = (SELECT coalesce(max(hlc), 0) FROM changes);
