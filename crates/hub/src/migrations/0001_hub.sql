-- The hub's first schema: the change log as bundles carry it, the installations with their
-- roles, names, public keys and document-number codes, the pushes with what each pusher knew,
-- and the natural-key registry (customer numbers per service). Installations read everything
-- and insert only their own changes (row-level security); nobody but the owner updates or
-- deletes. Run by `madoguchi hub init` as the hub's owner, in one transaction.

CREATE TABLE installations (
    id text PRIMARY KEY,
    role name NOT NULL UNIQUE,
    name text NOT NULL CHECK (name <> ''),
    public_key text NOT NULL CHECK (public_key ~ '^[0-9a-f]{64}$'),
    doc_code text UNIQUE CHECK (doc_code ~ '^[0-9A-Z]{4}$'),
    added_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE changes (
    seq bigserial PRIMARY KEY,
    origin text NOT NULL REFERENCES installations (id),
    hlc bigint NOT NULL CHECK (hlc > 0),
    tbl text NOT NULL,
    row_id text NOT NULL,
    -- The change's JSON text exactly as the installation logged it; NULL: a tombstone.
    data text,
    pushed_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (origin, hlc)
);

-- What the pusher knew (its `known` map, as JSON) when it pushed its changes up to clock_to:
-- a puller tells an edit the pusher had seen from one it had not, as a bundle's manifest tells.
CREATE TABLE pushes (
    origin text NOT NULL REFERENCES installations (id),
    clock_to bigint NOT NULL,
    known text NOT NULL,
    pushed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (origin, clock_to)
);

-- The natural-key registry: a customer number at a service belongs to one account, whichever
-- installation made it; each account's service and number as last pushed.
CREATE TABLE customer_numbers (
    service text NOT NULL,
    customer_number text NOT NULL,
    account_id text NOT NULL,
    PRIMARY KEY (service, customer_number)
);
CREATE TABLE account_keys (
    account_id text PRIMARY KEY,
    service text,
    customer_number text
);

-- Every pushed change: stamped at most 30 days ahead of the hub's clock (a clock is ms × 65,536
-- plus a counter), and an account's customer number claimed for it at its service, refused
-- naming the number when another account holds it.
CREATE FUNCTION madoguchi_check_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ahead bigint := ((extract(epoch FROM now()) * 1000)::bigint + 30::bigint * 86400000) * 65536;
    held_service text;
    held_number text;
    v_service text;
    v_number text;
    v_holder text;
BEGIN
    IF NEW.hlc > ahead THEN
        RAISE EXCEPTION 'a change is stamped more than 30 days ahead of the hub''s clock (%); check the clocks', NEW.hlc
            USING ERRCODE = 'check_violation';
    END IF;
    -- A change the hub has already is skipped here, before its side effects (a re-push).
    IF EXISTS (SELECT 1 FROM public.changes c WHERE c.origin = NEW.origin AND c.hlc = NEW.hlc) THEN
        RETURN NULL;
    END IF;
    IF NEW.tbl <> 'accounts' THEN
        RETURN NEW;
    END IF;
    SELECT k.service, k.customer_number INTO held_service, held_number FROM public.account_keys k WHERE k.account_id = NEW.row_id;
    IF NEW.data IS NULL THEN
        -- A deleted account gives its number back.
        DELETE FROM public.customer_numbers c WHERE c.account_id = NEW.row_id;
        DELETE FROM public.account_keys k WHERE k.account_id = NEW.row_id;
        RETURN NEW;
    END IF;
    v_service := coalesce(NEW.data::jsonb ->> 'service', held_service);
    v_number := coalesce(NEW.data::jsonb ->> 'customer_number', held_number);
    IF v_service IS NULL OR v_number IS NULL THEN
        RETURN NEW;
    END IF;
    INSERT INTO public.customer_numbers AS c (service, customer_number, account_id) VALUES (v_service, v_number, NEW.row_id)
        ON CONFLICT ON CONSTRAINT customer_numbers_pkey DO NOTHING;
    SELECT c.account_id INTO v_holder FROM public.customer_numbers c WHERE c.service = v_service AND c.customer_number = v_number;
    IF v_holder <> NEW.row_id THEN
        RAISE EXCEPTION 'customer number % at % belongs to a different record at the hub; nothing was pushed', v_number, v_service
            USING ERRCODE = 'unique_violation';
    END IF;
    -- A renumbered account gives its old number back.
    DELETE FROM public.customer_numbers c
        WHERE c.account_id = NEW.row_id AND (c.service, c.customer_number) IS DISTINCT FROM (v_service, v_number);
    INSERT INTO public.account_keys AS k (account_id, service, customer_number) VALUES (NEW.row_id, v_service, v_number)
        ON CONFLICT ON CONSTRAINT account_keys_pkey DO UPDATE SET service = excluded.service, customer_number = excluded.customer_number;
    RETURN NEW;
END
$$;
CREATE TRIGGER changes_check BEFORE INSERT ON changes FOR EACH ROW EXECUTE FUNCTION madoguchi_check_change();

-- The installation's document-number code: the one it has; else the code it asks for when no
-- other installation holds it; else the first free one (four characters, 0-9 and A-Z).
CREATE FUNCTION madoguchi_claim_code(wanted text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    mine public.installations%ROWTYPE;
    candidate text;
    digits text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    n integer := 0;
BEGIN
    SELECT * INTO mine FROM public.installations WHERE role = session_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role % is no installation of this hub', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF mine.doc_code IS NOT NULL THEN
        RETURN mine.doc_code;
    END IF;
    candidate := upper(wanted);
    LOOP
        IF candidate ~ '^[0-9A-Z]{4}$' AND NOT EXISTS (SELECT 1 FROM public.installations i WHERE i.doc_code = candidate) THEN
            UPDATE public.installations i SET doc_code = candidate WHERE i.id = mine.id;
            RETURN candidate;
        END IF;
        candidate := substr(digits, (n / 46656) % 36 + 1, 1) || substr(digits, (n / 1296) % 36 + 1, 1)
            || substr(digits, (n / 36) % 36 + 1, 1) || substr(digits, n % 36 + 1, 1);
        n := n + 1;
    END LOOP;
END
$$;

-- The group every installation's role is in: read all, insert its own, nothing else.
ALTER TABLE changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE pushes ENABLE ROW LEVEL SECURITY;
CREATE POLICY changes_read ON changes FOR SELECT TO madoguchi_installation USING (true);
CREATE POLICY changes_insert_own ON changes FOR INSERT TO madoguchi_installation
    WITH CHECK (origin = (SELECT id FROM installations WHERE role = session_user));
CREATE POLICY pushes_read ON pushes FOR SELECT TO madoguchi_installation USING (true);
CREATE POLICY pushes_insert_own ON pushes FOR INSERT TO madoguchi_installation
    WITH CHECK (origin = (SELECT id FROM installations WHERE role = session_user));
-- Only the columns a push sets: `seq` and `pushed_at` are the hub's.
REVOKE ALL ON installations, changes, pushes, customer_numbers, account_keys FROM PUBLIC;
GRANT SELECT ON installations TO madoguchi_installation;
GRANT SELECT, INSERT (origin, hlc, tbl, row_id, data) ON changes TO madoguchi_installation;
GRANT SELECT, INSERT (origin, clock_to, known) ON pushes TO madoguchi_installation;
GRANT USAGE ON SEQUENCE changes_seq_seq TO madoguchi_installation;
-- Nothing of one's own in this database: no temporary tables (which a definer function would
-- find before the real ones), no objects in the public schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON FUNCTION madoguchi_claim_code(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION madoguchi_claim_code(text) TO madoguchi_installation;
