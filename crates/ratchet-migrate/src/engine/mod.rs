//! Database engines behind one trait.
