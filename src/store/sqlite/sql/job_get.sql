SELECT j.id, j.program_id, p.name, j.status, j.user, j.name, j.options, j.report,
	j.created_at, j.started_at, j.finished_at
	FROM jobs j JOIN programs p ON p.id = j.program_id
	WHERE j.id = ?1;
