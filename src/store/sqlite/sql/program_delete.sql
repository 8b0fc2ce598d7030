DELETE FROM programs WHERE id = ?1;
