INSERT INTO jobs (program_id, status, user, name, options, created_at)
	VALUES (?1, 'queued', ?2, ?3, ?4, ?5);
