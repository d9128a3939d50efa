-- Fill the new column in short keyset batches; the verify file says when it is done.
-- ratchet:backfill table=orders key=id
UPDATE orders
SET priority = CASE WHEN total >= 1000 THEN 'high' ELSE 'normal' END
WHERE priority IS NULL;
