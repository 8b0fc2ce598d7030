DELETE FROM intake_events WHERE entity = ?1 AND record = ?2;
