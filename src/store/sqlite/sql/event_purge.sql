UPDATE intake_events SET old = NULL, new = NULL
	WHERE entity = ?1 AND record = ?2 AND field = ?3
	AND (old IS NOT NULL OR new IS NOT NULL);
