INSERT INTO programs (name, preset, created_at) VALUES (?1, ?2, ?3);
