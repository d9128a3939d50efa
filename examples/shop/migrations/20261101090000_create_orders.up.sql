-- The shop starts with orders.
CREATE TABLE orders (
  id BIGINT PRIMARY KEY,
  customer VARCHAR(100) NOT NULL,
  total NUMERIC(12, 2) NOT NULL,
  status VARCHAR(32) NOT NULL DEFAULT 'new',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
