-- Demo data: a data migration, kept apart from the schema change before it.
INSERT INTO orders (id, customer, total, status) VALUES
  (1, 'Ada', 120.00, 'paid'),
  (2, 'Grace', 2400.50, 'paid'),
  (3, 'Edsger', 35.10, 'new'),
  (4, 'Barbara', 1800.00, 'shipped'),
  (5, 'Donald', 999.99, 'new');
