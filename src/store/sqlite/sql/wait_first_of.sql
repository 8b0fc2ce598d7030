SELECT seq, entity, rec_key, parent_entity, parent_key, payload
	FROM intake_job_waiting WHERE job = ?1 AND entity = ?2 AND rec_key = ?3
	ORDER BY seq LIMIT 1;
