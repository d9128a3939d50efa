DROP TABLE device_max_stream_id;
