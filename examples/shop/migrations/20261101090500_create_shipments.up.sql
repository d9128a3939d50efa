CREATE TABLE shipments (
  id BIGINT PRIMARY KEY,
  order_id BIGINT NOT NULL REFERENCES orders (id),
  carrier VARCHAR(32) NOT NULL,
  shipped_at TIMESTAMP NOT NULL
);
