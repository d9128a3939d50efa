create index if not exists refresh_token_session_id on auth.refresh_tokens using btree(session_id);

alter table auth.mfa_amr_claims
  add column if not exists id uuid not null,
  add constraint amr_id_pk primary key(id);

create index if not exists user_id_created_at_idx on auth.sessions (user_id, created_at);
create index if not exists factor_id_created_at_idx on auth.mfa_factors (user_id, created_at);
-- Add Index which handles the clause below
