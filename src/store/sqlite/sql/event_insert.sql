INSERT INTO intake_events (job, entity, record, field, old, new, prev_job, user, at, reason)
	VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10);
