-- 0006: partial searches (issue 15). The gram index holds, per customer, every kanji of the
-- name alone and every two neighbouring characters of the name and of the address (prefecture
-- and address) as tokens (text::search_grams): one kanji (林 in 小林) and two-character parts
-- are found below the trigram index's reach. The address trigram index finds any part of three
-- characters or more. Both contentless, keyed by the customer's rowid, written by Rust
-- (customers::index_customer); the Rust step fills them for every customer in this migration's
-- transaction. unicode61 keeps each kanji or kana run as one token (the grams are spaced);
-- remove_diacritics 0 keeps が apart from か.
CREATE VIRTUAL TABLE customer_gram_fts USING fts5 (name, address, tokenize = 'unicode61 remove_diacritics 0', content = '', contentless_delete = 1);
CREATE VIRTUAL TABLE customer_address_fts USING fts5 (address_key, tokenize = 'trigram', content = '', contentless_delete = 1);
