
CREATE INDEX IF NOT EXISTS presence_list_user_id ON presence_list (user_id);
