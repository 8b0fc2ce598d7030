-- The system database: programs and import jobs. Users and sessions come with the server.
CREATE TABLE programs (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	preset TEXT,
	created_at TEXT NOT NULL
) STRICT;

CREATE TABLE jobs (
	id INTEGER PRIMARY KEY,
	program_id INTEGER NOT NULL REFERENCES programs(id),
	status TEXT NOT NULL,
	user TEXT NOT NULL,
	name TEXT NOT NULL,
	options TEXT NOT NULL,
	report TEXT,
	created_at TEXT NOT NULL,
	started_at TEXT,
	finished_at TEXT
) STRICT;

CREATE INDEX jobs_program ON jobs(program_id, id);
CREATE INDEX jobs_status ON jobs(status, id);
