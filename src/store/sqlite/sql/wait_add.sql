INSERT INTO intake_job_waiting (job, entity, rec_key, parent_entity, parent_key, payload)
	VALUES (?1, ?2, ?3, ?4, ?5, ?6);
