-- A program's own database: its schema, the audit events, and the state of its running
-- job (checkpoint, rows waiting for a parent, identifiers seen). The entity tables are
-- made from the schema (store_sqlite.c, through store_quote_ident).
CREATE TABLE intake_meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

-- One row per changed field per record. field NULL: an event about the whole record
-- (drop). prev_job: the record's last job before this change (revert restores it).
CREATE TABLE intake_events (
	id INTEGER PRIMARY KEY,
	job INTEGER NOT NULL,
	entity TEXT NOT NULL,
	record INTEGER NOT NULL,
	field TEXT,
	old ANY,
	new ANY,
	prev_job INTEGER,
	user TEXT NOT NULL,
	at TEXT NOT NULL,
	reason TEXT NOT NULL
) STRICT;

CREATE INDEX intake_events_record ON intake_events(entity, record, field);
CREATE INDEX intake_events_job ON intake_events(job, entity, record);

CREATE TABLE intake_job_checkpoint (
	job INTEGER PRIMARY KEY,
	state BLOB NOT NULL
) STRICT;

CREATE TABLE intake_job_waiting (
	seq INTEGER PRIMARY KEY,
	job INTEGER NOT NULL,
	entity INTEGER NOT NULL,
	rec_key BLOB NOT NULL,
	parent_entity INTEGER NOT NULL,
	parent_key BLOB NOT NULL,
	payload BLOB NOT NULL
) STRICT;

CREATE INDEX intake_job_waiting_record ON intake_job_waiting(job, entity, rec_key, seq);

CREATE TABLE intake_job_seen (
	job INTEGER NOT NULL,
	key BLOB NOT NULL,
	PRIMARY KEY (job, key)
) STRICT, WITHOUT ROWID;
