/* Copyright 2022 The Matrix.org Foundation C.I.C
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

-- Remove the tables which powered the unspecced groups/communities feature.
DROP TABLE IF EXISTS group_attestations_remote;
DROP TABLE IF EXISTS group_attestations_renewals;
DROP TABLE IF EXISTS group_invites;
DROP TABLE IF EXISTS group_roles;
DROP TABLE IF EXISTS group_room_categories;
DROP TABLE IF EXISTS group_rooms;
DROP TABLE IF EXISTS group_summary_roles;
DROP TABLE IF EXISTS group_summary_room_categories;
DROP TABLE IF EXISTS group_summary_rooms;
DROP TABLE IF EXISTS group_summary_users;
DROP TABLE IF EXISTS group_users;
DROP TABLE IF EXISTS groups;
DROP TABLE IF EXISTS local_group_membership;
DROP TABLE IF EXISTS local_group_updates;
DROP TABLE IF EXISTS remote_profile_cache;
