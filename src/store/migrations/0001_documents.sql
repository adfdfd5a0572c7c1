-- Schema version 1: documents by table and key, indexed by subject; one
-- counter per table; the append-only audit log.
CREATE TABLE docs (
    tbl     TEXT NOT NULL,
    key     TEXT NOT NULL,
    subject TEXT,
    body    TEXT NOT NULL,
    sealed  TEXT,
    PRIMARY KEY (tbl, key)
) WITHOUT ROWID;

CREATE INDEX docs_by_subject ON docs (tbl, subject, key);

CREATE TABLE counters (
    tbl  TEXT PRIMARY KEY NOT NULL,
    last INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit (
    seq   INTEGER PRIMARY KEY,
    entry TEXT NOT NULL
);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
