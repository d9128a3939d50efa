use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ratchet_migrate::config::RunSettings;
use ratchet_migrate::engine::{self, Engine};
use ratchet_migrate::event::Event;
use ratchet_migrate::plan::{DownOptions, DownTarget, UpOptions};
use ratchet_migrate::runner::Runner;
use ratchet_migrate::source::{self, MigrationSet};
use ratchet_migrate::sql::Dialect;
use ratchet_migrate::{Error, Result};
pub use ratchet_test_support::{Kind, TestDb};

/// Generates one test per engine from an `async fn(Kind)`, so the engines run in parallel
/// and report separately.
#[macro_export]
macro_rules! engine_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::support::Kind::Postgres).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn mysql() {
                    super::$name($crate::support::Kind::Mysql).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::support::Kind::Sqlite).await
                }
            }
        )*
    };
}

/// A migrations folder in a temporary directory.
pub struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    pub fn new(files: &[(&str, &str)]) -> Folder {
        let folder = Folder {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(folder.path()).unwrap();
        for (name, text) in files {
            folder.write(name, text);
        }
        folder
    }

    /// The shop example's migrations.
    pub fn shop() -> Folder {
        let folder = Folder::new(&[]);
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shop/migrations");
        for entry in std::fs::read_dir(example).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), folder.path().join(entry.file_name())).unwrap();
        }
        folder
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("migrations")
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path().join(name), text).unwrap();
    }

    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.path().join(name)).unwrap();
    }

    pub fn set(&self, dialect: Dialect) -> MigrationSet {
        source::load(&self.path(), None, dialect).unwrap()
    }
}

pub fn dialect(kind: Kind) -> Dialect {
    match kind {
        Kind::Postgres => Dialect::Postgres,
        Kind::Mysql => Dialect::Mysql,
        Kind::Sqlite => Dialect::Sqlite,
    }
}

/// Settings that keep tests quick: short waits, few retries.
pub fn quick_settings() -> RunSettings {
    RunSettings {
        lock_timeout: Duration::from_secs(20),
        ddl_lock_timeout: Duration::from_millis(300),
        ddl_lock_retries: 2,
    }
}

/// Events reported by a run.
#[derive(Clone, Default)]
pub struct Events(Arc<Mutex<Vec<Event>>>);

impl Events {
    pub fn sink(&self) -> impl FnMut(Event) + Send + use<> {
        let events = self.0.clone();
        move |e| events.lock().unwrap().push(e)
    }

    pub fn all(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }
}

pub async fn connect(db: &TestDb) -> Box<dyn Engine> {
    engine::connect(&db.url).await.unwrap()
}

pub async fn up_with(
    db: &TestDb,
    folder: &Folder,
    options: &UpOptions,
    settings: RunSettings,
    events: &Events,
) -> Result<Vec<i64>> {
    let mut engine = connect(db).await;
    let set = folder.set(engine.dialect());
    let mut sink = events.sink();
    let mut runner = Runner::new(engine.as_mut(), settings, &mut sink);
    runner.up(&set, options).await
}

pub async fn up(db: &TestDb, folder: &Folder) -> Result<Vec<i64>> {
    up_with(
        db,
        folder,
        &UpOptions::default(),
        quick_settings(),
        &Events::default(),
    )
    .await
}

pub async fn down(db: &TestDb, folder: &Folder, target: DownTarget) -> Result<Vec<i64>> {
    let mut engine = connect(db).await;
    let set = folder.set(engine.dialect());
    let mut sink = |_| {};
    let mut runner = Runner::new(engine.as_mut(), quick_settings(), &mut sink);
    runner.down(&set, target, &DownOptions::default()).await
}

pub fn message(result: Result<impl std::fmt::Debug>) -> String {
    match result {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.to_string(),
    }
}

pub fn is_refused(error: &Error) -> bool {
    matches!(error, Error::Refused { .. })
}
