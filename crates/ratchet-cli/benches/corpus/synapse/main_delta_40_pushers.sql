/* Copyright 2017 Vector Creations Ltd
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *    http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

CREATE TABLE IF NOT EXISTS pushers2 (
    id BIGINT PRIMARY KEY,
    user_name TEXT NOT NULL,
    access_token BIGINT DEFAULT NULL,
    profile_tag TEXT NOT NULL,
    kind TEXT NOT NULL,
    app_id TEXT NOT NULL,
    app_display_name TEXT NOT NULL,
    device_display_name TEXT NOT NULL,
    pushkey TEXT NOT NULL,
    ts BIGINT NOT NULL,
    lang TEXT,
    data TEXT,
    last_stream_ordering INTEGER,
    last_success BIGINT,
    failing_since BIGINT,
    UNIQUE (app_id, pushkey, user_name)
);

INSERT INTO pushers2 SELECT * FROM PUSHERS;

DROP TABLE PUSHERS;

ALTER TABLE pushers2 RENAME TO pushers;
