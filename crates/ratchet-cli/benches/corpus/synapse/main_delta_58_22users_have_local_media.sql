INSERT INTO background_updates (ordering, update_name, progress_json) VALUES
  (5822, 'users_have_local_media', '{}');
