-- PostgreSQL builds the index without blocking writes (ratchet runs this file
-- outside a transaction, statement by statement).
CREATE INDEX CONCURRENTLY orders_priority_idx ON orders (priority);
