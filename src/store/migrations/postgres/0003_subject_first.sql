-- PostgreSQL schema version 3: the index by subject leads with the subject,
-- so that everything about one subject (its documents of every table, and
-- the daily sweep's part about it) is one range of the index, apart from
-- other subjects'. A SERIALIZABLE transaction that reads a subject's
-- documents locks the index pages it reads: with the table first, the
-- sweep's parts of all subjects shared a few pages, and transactions
-- about different subjects conflicted. It is also the order a store
-- distributed by subject keeps.
CREATE INDEX docs_by_subject_first ON docs (subject, tbl, key);

DROP INDEX docs_by_subject;
