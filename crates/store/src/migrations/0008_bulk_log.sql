-- 0008: a bulk load (CSV import, seed) logs the rows it inserts after the load, one statement
-- per table (sync::log_bulk_inserts), instead of one trigger run per row: the insert triggers
-- do not fire while the connection's madoguchi_bulk() is 1. Updates and deletes are logged by
-- their triggers as before.

-- Generated from sync::TABLES (store/src/sync/log.rs tests); do not edit below.
DROP TRIGGER customer_merges_log_insert;
CREATE TRIGGER customer_merges_log_insert AFTER INSERT ON customer_merges WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customer_merges', NEW.id, json_object('keep_id', NEW.keep_id, 'merged_at', NEW.merged_at, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER customers_log_insert;
CREATE TRIGGER customers_log_insert AFTER INSERT ON customers WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customers', NEW.id, json_object('kind', NEW.kind, 'name', NEW.name, 'name_kana', NEW.name_kana, 'birth_date', NEW.birth_date, 'prefecture', NEW.prefecture, 'postal_code', NEW.postal_code, 'address', NEW.address, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER customer_phones_log_insert;
CREATE TRIGGER customer_phones_log_insert AFTER INSERT ON customer_phones WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customer_phones', NEW.id, json_object('customer_id', NEW.customer_id, 'number', NEW.number, 'digits', NEW.digits, 'digits_reversed', NEW.digits_reversed, 'label', NEW.label, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER customer_emails_log_insert;
CREATE TRIGGER customer_emails_log_insert AFTER INSERT ON customer_emails WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'customer_emails', NEW.id, json_object('customer_id', NEW.customer_id, 'address', NEW.address, 'address_key', NEW.address_key, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER accounts_log_insert;
CREATE TRIGGER accounts_log_insert AFTER INSERT ON accounts WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'accounts', NEW.id, json_object('customer_id', NEW.customer_id, 'service', NEW.service, 'customer_number', NEW.customer_number, 'number_key', NEW.number_key, 'status', NEW.status, 'plan', NEW.plan, 'server_model', NEW.server_model, 'servers', NEW.servers, 'first_delivery', NEW.first_delivery, 'last_shipment', NEW.last_shipment, 'dealer', NEW.dealer, 'monthly_limit', NEW.monthly_limit, 'billing_cycle', NEW.billing_cycle, 'paid_through', NEW.paid_through, 'terminals', NEW.terminals, 'np_terms', NEW.np_terms, 'points', NEW.points, 'member', NEW.member, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER orders_log_insert;
CREATE TRIGGER orders_log_insert AFTER INSERT ON orders WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'orders', NEW.id, json_object('account_id', NEW.account_id, 'order_number', NEW.order_number, 'ordered_at', NEW.ordered_at, 'payment_method', NEW.payment_method, 'shipped_on', NEW.shipped_on, 'status', NEW.status, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER order_lines_log_insert;
CREATE TRIGGER order_lines_log_insert AFTER INSERT ON order_lines WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'order_lines', NEW.id, json_object('order_id', NEW.order_id, 'line_no', NEW.line_no, 'product_code', NEW.product_code, 'name', NEW.name, 'quantity', NEW.quantity, 'unit_price', NEW.unit_price, 'tax', NEW.tax, 'delivery_note', NEW.delivery_note, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER issuers_log_insert;
CREATE TRIGGER issuers_log_insert AFTER INSERT ON issuers WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'issuers', NEW.service, json_object('name', NEW.name, 'postal_code', NEW.postal_code, 'address', NEW.address, 'phone', NEW.phone, 'fax', NEW.fax, 'registration_number', NEW.registration_number, 'seal_png', hex(NEW.seal_png), 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER documents_log_insert;
CREATE TRIGGER documents_log_insert AFTER INSERT ON documents WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'documents', NEW.id, json_object('customer_id', NEW.customer_id, 'account_id', NEW.account_id, 'order_id', NEW.order_id, 'doc_type', NEW.doc_type, 'number', NEW.number, 'issued_at', NEW.issued_at, 'reissue_of', NEW.reissue_of, 'snapshot', NEW.snapshot, 'pdf_sha256', NEW.pdf_sha256, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER requests_log_insert;
CREATE TRIGGER requests_log_insert AFTER INSERT ON requests WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'requests', NEW.id, json_object('customer_id', NEW.customer_id, 'account_id', NEW.account_id, 'request_type', NEW.request_type, 'status', NEW.status, 'fields', NEW.fields, 'due_on', NEW.due_on, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER request_history_log_insert;
CREATE TRIGGER request_history_log_insert AFTER INSERT ON request_history WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'request_history', NEW.id, json_object('request_id', NEW.request_id, 'seq', NEW.seq, 'from_status', NEW.from_status, 'to_status', NEW.to_status, 'actor', NEW.actor, 'at', NEW.at, 'comment', NEW.comment, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
DROP TRIGGER call_notes_log_insert;
CREATE TRIGGER call_notes_log_insert AFTER INSERT ON call_notes WHEN (SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0 BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);
    INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, 'call_notes', NEW.id, json_object('customer_id', NEW.customer_id, 'author', NEW.author, 'at', NEW.at, 'body', NEW.body, 'updated_at', NEW.updated_at) FROM sync_clock;
END;
