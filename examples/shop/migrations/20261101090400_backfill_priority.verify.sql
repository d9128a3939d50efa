-- No order is left without a priority.
SELECT count(*) FROM orders WHERE priority IS NULL;
