SELECT id, name, preset, created_at FROM programs WHERE id = ?1;
