SELECT id, name, preset, created_at FROM programs WHERE name = ?1;
