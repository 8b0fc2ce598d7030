SELECT value FROM intake_meta WHERE key = ?1;
