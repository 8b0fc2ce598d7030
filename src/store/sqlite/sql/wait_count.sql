SELECT count(*) FROM intake_job_waiting WHERE job = ?1;
