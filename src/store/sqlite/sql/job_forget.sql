DELETE FROM intake_job_checkpoint WHERE job = ?1;
DELETE FROM intake_job_waiting WHERE job = ?1;
DELETE FROM intake_job_seen WHERE job = ?1;
