-- Schema version 2: documents in a rowid table. Bodies are often larger than
-- a twentieth of a page, where SQLite advises against WITHOUT ROWID tables;
-- a rowid table with a unique (tbl, key) index stores them more cheaply.
CREATE TABLE docs_v2 (
    id      INTEGER PRIMARY KEY,
    tbl     TEXT NOT NULL,
    key     TEXT NOT NULL,
    subject TEXT,
    body    TEXT NOT NULL,
    sealed  TEXT,
    UNIQUE (tbl, key)
);

INSERT INTO docs_v2 (tbl, key, subject, body, sealed)
    SELECT tbl, key, subject, body, sealed FROM docs ORDER BY tbl, key;

DROP INDEX docs_by_subject;
DROP TABLE docs;
ALTER TABLE docs_v2 RENAME TO docs;

CREATE INDEX docs_by_subject ON docs (tbl, subject, key);
