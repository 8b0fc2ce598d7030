SELECT 1 FROM intake_job_waiting WHERE job = ?1 AND entity = ?2 AND rec_key = ?3 LIMIT 1;
