-- In arrival order: the primary key's range, not the (job, record) index (+job keeps the
-- planner off it; the table only holds the running job's rows).
SELECT seq, entity, rec_key, parent_entity, parent_key, payload
	FROM intake_job_waiting WHERE +job = ?1 AND seq > ?2 ORDER BY seq LIMIT 1;
