-- 0002: what each installation had seen when its last sync ended (its `known` map as JSON,
-- origin → newest clock held), appended by every sync: below the least of these per origin,
-- the owner's `madoguchi hub compact` may delete the changes no field takes any more.
-- Installations read all and insert their own rows only, as for `pushes`.

CREATE TABLE seen (
    seq bigserial PRIMARY KEY,
    origin text NOT NULL REFERENCES installations (id),
    known text NOT NULL CHECK (jsonb_typeof(known::jsonb) = 'object'),
    seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX seen_origin ON seen (origin, seq);

ALTER TABLE seen ENABLE ROW LEVEL SECURITY;
CREATE POLICY seen_read ON seen FOR SELECT TO madoguchi_installation USING (true);
CREATE POLICY seen_insert_own ON seen FOR INSERT TO madoguchi_installation
    WITH CHECK (origin = (SELECT id FROM installations WHERE role = session_user));
REVOKE ALL ON seen FROM PUBLIC;
GRANT SELECT, INSERT (origin, known) ON seen TO madoguchi_installation;
GRANT USAGE ON SEQUENCE seen_seq_seq TO madoguchi_installation;
