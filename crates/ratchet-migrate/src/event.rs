//! Events the library reports while it works; the CLI renders them.

/// Something that happened during a run.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// A notice for the user.
    Notice(String),
}
