-- PostgreSQL schema version 2: each document may carry the day it next
-- falls due (the day of its next dated event), indexed so that "what is due
-- up to day D" costs what is due, not the size of the table.
ALTER TABLE docs ADD COLUMN due DATE;

CREATE INDEX docs_by_due ON docs (tbl, due) WHERE due IS NOT NULL;
