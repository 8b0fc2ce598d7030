SELECT id, name, preset, created_at FROM programs ORDER BY id;
