-- 0005: the name search keys fold variant kanji (異体字: 髙 → 高, 﨑 → 崎, 邊 → 辺; the table in
-- domain/src/variants.rs). Nothing changes in the schema: the Rust step (customers::reindex_customers, since run by 0006 instead)
-- writes every customer's name index again with the new keys, in this migration's transaction.
SELECT 1;
