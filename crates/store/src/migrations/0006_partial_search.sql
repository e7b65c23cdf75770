-- 0006: partial searches (issue 15). The gram indexes hold, per customer, every kanji of the
-- name alone and every two neighbouring characters of the name, and of the address (prefecture
-- and address), as tokens (text::search_grams): one kanji (林 in 小林) and two-character parts
-- are found below the trigram index's reach. The address trigram index finds any part of three
-- characters or more. All contentless, keyed by the customer's rowid, written by Rust
-- (customers::index_customer); the Rust step fills them for every customer in this migration's
-- transaction. unicode61 keeps each kanji or kana run as one token (the grams are spaced);
-- remove_diacritics 0 keeps が apart from か. A gram is only ever looked up alone, so its index
-- keeps no positions (detail = none): a common gram's list stays short to read.
CREATE VIRTUAL TABLE customer_name_grams USING fts5 (grams, tokenize = 'unicode61 remove_diacritics 0', content = '', contentless_delete = 1, detail = none);
CREATE VIRTUAL TABLE customer_address_grams USING fts5 (grams, tokenize = 'unicode61 remove_diacritics 0', content = '', contentless_delete = 1, detail = none);
CREATE VIRTUAL TABLE customer_address_fts USING fts5 (address_key, tokenize = 'trigram', content = '', contentless_delete = 1);
