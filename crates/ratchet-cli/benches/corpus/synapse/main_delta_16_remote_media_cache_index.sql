CREATE INDEX IF NOT EXISTS remote_media_cache_thumbnails_media_id
    ON remote_media_cache_thumbnails (media_id);