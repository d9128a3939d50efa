-- The five demo orders are there.
SELECT 5 - count(*) FROM orders WHERE id BETWEEN 1 AND 5;
