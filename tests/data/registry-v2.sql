-- A registry database written by social-credit before issue 13 (schema
-- version 2), by a program using commit aacead7's API: a person with
-- record R1 (erased by that version's sweep on 2024-01-06, which kept its
-- subject, conduct and dates) and R2 (kept), each with an objection.
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
CREATE TABLE "docs" (
    id      INTEGER PRIMARY KEY,
    tbl     TEXT NOT NULL,
    key     TEXT NOT NULL,
    subject TEXT,
    body    TEXT NOT NULL,
    sealed  TEXT,
    UNIQUE (tbl, key)
);
CREATE INDEX docs_by_subject ON docs (tbl, subject, key);
INSERT INTO docs (id, tbl, key, subject, body, sealed) VALUES (1, 'subjects', 'org:91350100M000100Y43', 'org:91350100M000100Y43', '{"type":"organization","uscc":"91350100M000100Y43","name":"Zhengzhou Example Elderly Care Association","kind":"social_association","established_on":"2012-05-01"}', NULL);
INSERT INTO docs (id, tbl, key, subject, body, sealed) VALUES (2, 'subjects', 'person:410184198006150022', 'person:410184198006150022', '{"type":"person","id":"410184198006150022","name":"张伟"}', NULL);
INSERT INTO docs (id, tbl, key, subject, body, sealed) VALUES (3, 'role_links', '00000000000000000001', 'person:410184198006150022', '{"organization":"91350100M000100Y43","person":"410184198006150022","role":"legal_representative","from":"2015-01-01"}', NULL);
INSERT INTO docs (id, tbl, key, subject, body, sealed) VALUES (4, 'records', '00000000000000000001', 'person:410184198006150022', '{"id":1,"subject":{"person":"410184198006150022"},"conduct":"fine","severity":"general","graded_by":{"rule":"abnormal.small_fine","source":"MCA Order No. 60 (2018) art. 14(5)"},"section":"social_affairs","occurred_on":"2019-01-02","ended_on":"2019-01-05","recorded_on":"2019-03-04","history":[{"on":"2024-01-06","status":"erased","by":"system","basis":{"rule":"retention.personal_five_years","source":"plan §6(7)"}}]}', NULL);
INSERT INTO docs (id, tbl, key, subject, body, sealed) VALUES (5, 'list_entries', '00000000000000000001', 'person:410184198006150022', '{"subject":{"person":"410184198006150022"},"list":{"type":"activity_abnormal"},"events":[{"on":"2019-03-04","rule":"abnormal.small_fine","records":[1]}],"obligations":{"state":"none"}}', NULL);
INSERT INTO docs (id, tbl, key, subject, body, sealed) VALUES (6, 'objections', '00000000000000000001', 'person:410184198006150022', '{"id":1,"record":1,"subject":{"person":"410184198006150022"},"receipt":{"channel":"written","on":"2019-03-06"},"received_by":"office","grounds":"FIXTURE-B grounds: the fine was paid","withdrawn":{"on":"2019-03-08","by":"applicant"}}', NULL);
INSERT INTO docs (id, tbl, key, subject, body, sealed) VALUES (7, 'records', '00000000000000000002', 'person:410184198006150022', '{"id":2,"subject":{"person":"410184198006150022"},"conduct":"warning","severity":"severe","graded_by":{"rule":"serious.repeat_penalties","source":"MCA Order No. 60 (2018) art. 19(5)"},"section":"social_affairs","occurred_on":"2019-06-03","ended_on":"2019-06-03","recorded_on":"2019-06-10","content":{"description":"FIXTURE-A description: collected membership fees twice","legal_basis":"FIXTURE-A legal basis","evidence":["FIXTURE-A evidence file"]}}', NULL);
INSERT INTO docs (id, tbl, key, subject, body, sealed) VALUES (8, 'list_entries', '00000000000000000002', 'person:410184198006150022', '{"subject":{"person":"410184198006150022"},"list":{"type":"black_list","domain":"social_organizations"},"events":[{"on":"2019-06-10","rule":"serious.repeat_penalties","records":[2]}],"obligations":{"state":"none"}}', NULL);
INSERT INTO docs (id, tbl, key, subject, body, sealed) VALUES (9, 'objections', '00000000000000000002', 'person:410184198006150022', '{"id":2,"record":2,"subject":{"person":"410184198006150022"},"receipt":{"channel":"written","on":"2019-06-12"},"received_by":"office","grounds":"FIXTURE-A grounds: I was abroad","forwarded":{"on":"2019-06-13","by":"office","to":"social_affairs"},"opinion":{"on":"2019-06-17","by":"section","finding":"not_confirmed","summary":"FIXTURE-A opinion: passport stamps do not match"},"notified":{"on":"2019-06-18","by":"office","outcome":{"decision":"kept","reasons":"FIXTURE-A reasons: the record stands"}}}', NULL);
INSERT INTO counters (tbl, last) VALUES ('list_entries', 2);
INSERT INTO counters (tbl, last) VALUES ('objections', 2);
INSERT INTO counters (tbl, last) VALUES ('records', 2);
INSERT INTO counters (tbl, last) VALUES ('role_links', 1);
INSERT INTO audit (seq, entry) VALUES (1, '{"on":"2019-01-07","by":"clerk","action":"registered","target":{"subject":"91350100M000100Y43"},"basis":{"rule":"registry.register","source":"plan §3(2)"}}');
INSERT INTO audit (seq, entry) VALUES (2, '{"on":"2019-01-07","by":"clerk","action":"registered","target":{"subject":"410184********0022"},"basis":{"rule":"registry.register","source":"plan §3(2)"}}');
INSERT INTO audit (seq, entry) VALUES (3, '{"on":"2019-01-07","by":"clerk","action":"linked","target":{"subject":"410184********0022"},"basis":{"rule":"registry.link_person","source":"plan §5(6)"}}');
INSERT INTO audit (seq, entry) VALUES (4, '{"on":"2019-03-04","by":"section","action":"recorded","target":{"record":1},"basis":{"rule":"abnormal.small_fine","source":"MCA Order No. 60 (2018) art. 14(5)"}}');
INSERT INTO audit (seq, entry) VALUES (5, '{"on":"2019-03-04","by":"section","action":"listed","target":{"list_entry":{"list":"activity-abnormal list 活动异常名录","subject":"410184********0022"}},"basis":{"rule":"abnormal.small_fine","source":"MCA Order No. 60 (2018) art. 14(5)"}}');
INSERT INTO audit (seq, entry) VALUES (6, '{"on":"2019-03-06","by":"office","action":"objection_received","target":{"objection":1},"basis":{"rule":"objection.receive","source":"plan §6(3)"}}');
INSERT INTO audit (seq, entry) VALUES (7, '{"on":"2019-03-08","by":"applicant","action":"objection_advanced","target":{"objection":1},"basis":{"rule":"objection.step","source":"plan §6(3)"}}');
INSERT INTO audit (seq, entry) VALUES (8, '{"on":"2019-06-10","by":"section","action":"recorded","target":{"record":2},"basis":{"rule":"serious.repeat_penalties","source":"MCA Order No. 60 (2018) art. 19(5)"}}');
INSERT INTO audit (seq, entry) VALUES (9, '{"on":"2019-06-10","by":"section","action":"listed","target":{"list_entry":{"list":"blacklist 黑榜 of `social_organizations`","subject":"410184********0022"}},"basis":{"rule":"serious.repeat_penalties","source":"MCA Order No. 60 (2018) art. 19(5)"}}');
INSERT INTO audit (seq, entry) VALUES (10, '{"on":"2019-06-12","by":"office","action":"objection_received","target":{"objection":2},"basis":{"rule":"objection.receive","source":"plan §6(3)"}}');
INSERT INTO audit (seq, entry) VALUES (11, '{"on":"2019-06-13","by":"office","action":"objection_advanced","target":{"objection":2},"basis":{"rule":"objection.step","source":"plan §6(3)"}}');
INSERT INTO audit (seq, entry) VALUES (12, '{"on":"2019-06-17","by":"section","action":"objection_advanced","target":{"objection":2},"basis":{"rule":"objection.step","source":"plan §6(3)"}}');
INSERT INTO audit (seq, entry) VALUES (13, '{"on":"2019-06-18","by":"office","action":"objection_advanced","target":{"objection":2},"basis":{"rule":"objection.step","source":"plan §6(3)"}}');
INSERT INTO audit (seq, entry) VALUES (14, '{"on":"2024-01-06","by":"system","action":"erased","target":{"record":1},"basis":{"rule":"retention.personal_five_years","source":"plan §6(7)"}}');
PRAGMA user_version = 2;
