SELECT id FROM jobs WHERE status IN ('queued', 'running') ORDER BY id;
