-- MySQL: say how the index must be built, so that it fails instead of falling back
-- to a blocking copy.
CREATE INDEX orders_priority_idx ON orders (priority) ALGORITHM=INPLACE LOCK=NONE;
