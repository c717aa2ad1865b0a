-- The ten newest notes, newest first.
CREATE VIEW recent_notes AS
  SELECT id, title, created_at
  FROM notes
  ORDER BY created_at DESC, id DESC
  LIMIT 10;
