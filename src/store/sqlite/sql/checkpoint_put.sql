INSERT INTO intake_job_checkpoint (job, state) VALUES (?1, ?2)
	ON CONFLICT (job) DO UPDATE SET state = excluded.state;
