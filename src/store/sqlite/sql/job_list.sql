SELECT j.id, j.program_id, p.name, j.status, j.user, j.name, j.options, NULL,
	j.created_at, j.started_at, j.finished_at
	FROM jobs j JOIN programs p ON p.id = j.program_id
	WHERE ?1 = 0 OR j.program_id = ?1
	ORDER BY j.id;
