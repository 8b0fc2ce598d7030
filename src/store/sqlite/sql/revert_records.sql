-- Records a job changed but did not insert, with the reasons of its events.
SELECT entity, record, group_concat(DISTINCT reason) FROM intake_events
	WHERE job = ?1 AND reason <> 'revert'
	GROUP BY entity, record ORDER BY entity, record;
