-- For one record: each field's value before the job (its first event in the job), and
-- the record's job before it.
SELECT field, old, prev_job FROM intake_events
	WHERE id IN (SELECT min(id) FROM intake_events
		WHERE job = ?1 AND entity = ?2 AND record = ?3 AND reason <> 'revert'
		GROUP BY field)
	ORDER BY id;
