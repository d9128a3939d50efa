//! ledger (being written).
