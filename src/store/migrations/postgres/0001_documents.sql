-- PostgreSQL schema version 1: documents by table and key, indexed by
-- subject; one counter per table (and one for the audit log); the
-- append-only audit log. Keys and subjects sort bytewise (COLLATE "C"), as
-- Rust strings do, so "key order" is the same in every store.
CREATE TABLE docs (
    tbl     TEXT NOT NULL,
    key     TEXT COLLATE "C" NOT NULL,
    subject TEXT COLLATE "C",
    body    TEXT NOT NULL,
    sealed  TEXT,
    PRIMARY KEY (tbl, key)
);

CREATE INDEX docs_by_subject ON docs (tbl, subject, key);

CREATE TABLE counters (
    tbl  TEXT PRIMARY KEY,
    last BIGINT NOT NULL CHECK (last >= 0)
);

CREATE TABLE audit (
    seq   BIGINT PRIMARY KEY CHECK (seq > 0),
    entry TEXT NOT NULL
);

CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only'
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_is_append_only_row
    BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();

CREATE TRIGGER audit_is_append_only_truncate
    BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();

-- Nobody but the owner reaches the tables unless granted; the audit log is
-- never granted UPDATE, DELETE or TRUNCATE (see PostgresStore::grant_to).
REVOKE ALL ON docs, counters, audit FROM PUBLIC;
