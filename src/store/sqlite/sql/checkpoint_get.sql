SELECT state FROM intake_job_checkpoint WHERE job = ?1;
