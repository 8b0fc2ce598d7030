UPDATE jobs SET status = ?2,
	started_at = CASE WHEN ?2 = 'running' AND started_at IS NULL THEN ?3 ELSE started_at END,
	finished_at = CASE WHEN ?2 IN ('succeeded', 'partial', 'failed', 'cancelled')
		THEN ?3 ELSE finished_at END,
	report = coalesce(?4, report)
	WHERE id = ?1;
