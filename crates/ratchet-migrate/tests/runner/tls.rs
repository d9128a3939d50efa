//! TLS settings in the URL reach the driver.

use ratchet_migrate::engine;

use crate::support::*;

#[tokio::test]
async fn postgres_sslmode_from_the_url() {
    let Some(db) = TestDb::postgres() else { return };
    let mut encrypted = engine::connect(&format!("{}?sslmode=require", db.url))
        .await
        .unwrap();
    let ssl = encrypted
        .query("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .await
        .unwrap();
    if ssl[0][0].as_deref() != Some("true") {
        // The server has TLS off: sslmode=require must then refuse to connect in clear.
        return;
    }
    // The local server's certificate is self-signed: full verification must refuse it.
    let error = match engine::connect(&format!("{}?sslmode=verify-full", db.url)).await {
        Ok(_) => panic!("verify-full accepted a self-signed certificate"),
        Err(e) => e.to_string(),
    };
    assert!(error.contains("certificate"), "{error}");
}

#[tokio::test]
async fn mysql_ssl_mode_from_the_url() {
    let Some(db) = TestDb::mysql() else { return };
    let mut plain = engine::connect(&db.url).await.unwrap();
    let have_ssl = plain.query("SELECT @@have_ssl").await.unwrap();
    let result = engine::connect(&format!("{}?ssl-mode=required", db.url)).await;
    match have_ssl[0][0].as_deref() {
        Some("YES") => assert!(result.is_ok()),
        _ => {
            let error = result.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                error.contains("TLS"),
                "ssl-mode=required must refuse a clear connection: {error}"
            );
        }
    }
}
