INSERT INTO intake_job_seen (job, key) VALUES (?1, ?2) ON CONFLICT DO NOTHING;
