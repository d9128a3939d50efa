//! Fresh databases for ratchet's tests.
