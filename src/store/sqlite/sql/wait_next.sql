SELECT seq, entity, rec_key, parent_entity, parent_key, payload
	FROM intake_job_waiting WHERE job = ?1 AND seq > ?2 ORDER BY seq LIMIT 1;
