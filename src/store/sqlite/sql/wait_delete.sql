DELETE FROM intake_job_waiting WHERE job = ?1 AND seq = ?2;
