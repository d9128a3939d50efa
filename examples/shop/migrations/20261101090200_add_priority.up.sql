-- Expand: a nullable column, so old code that does not know it keeps working.
ALTER TABLE orders ADD COLUMN priority VARCHAR(16);
