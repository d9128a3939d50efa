//! Database URLs as ratchet shows them: never with a password.

/// Query parameters whose values are secrets.
const SECRET_PARAMS: [&str; 3] = ["password", "sslpassword", "pass"];

/// The URL with its password (in the user-info part and in query parameters) replaced by
/// `***`, for every message ratchet prints.
pub fn redact(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    match base.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            out.push_str(scheme);
            out.push_str("://");
            match authority.rsplit_once('@') {
                Some((userinfo, host)) => {
                    match userinfo.split_once(':') {
                        Some((user, _password)) => {
                            out.push_str(user);
                            out.push_str(":***");
                        }
                        None => out.push_str(userinfo),
                    }
                    out.push('@');
                    out.push_str(host);
                }
                None => out.push_str(authority),
            }
            out.push_str(path);
        }
        None => out.push_str(base),
    }
    if let Some(query) = query {
        out.push('?');
        let params: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if SECRET_PARAMS.contains(&key.to_ascii_lowercase().as_str()) => {
                    format!("{key}=***")
                }
                _ => pair.to_string(),
            })
            .collect();
        out.push_str(&params.join("&"));
    }
    out
}

/// The secrets in a URL (its password and secret query parameters), so that a driver's
/// message that quotes them can be scrubbed.
pub fn secrets(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    if let Some((_, rest)) = base.split_once("://") {
        let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
            && !password.is_empty()
        {
            found.push(password.to_string());
        }
    }
    for pair in query.unwrap_or_default().split('&') {
        if let Some((key, value)) = pair.split_once('=')
            && SECRET_PARAMS.contains(&key.to_ascii_lowercase().as_str())
            && !value.is_empty()
        {
            found.push(value.to_string());
        }
    }
    found
}

/// `message` with every secret of `url` replaced by `***`.
pub fn scrub(message: &str, url: &str) -> String {
    secrets(url).iter().fold(message.to_string(), |m, secret| {
        m.replace(secret.as_str(), "***")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_userinfo_password() {
        assert_eq!(
            redact("postgres://app:s3cr3t@db.example.com:5432/shop?sslmode=require"),
            "postgres://app:***@db.example.com:5432/shop?sslmode=require"
        );
    }

    #[test]
    fn keeps_urls_without_password() {
        assert_eq!(
            redact("mysql://root@127.0.0.1:3306/shop"),
            "mysql://root@127.0.0.1:3306/shop"
        );
        assert_eq!(redact("sqlite:shop.db"), "sqlite:shop.db");
    }

    #[test]
    fn redacts_password_with_at_sign_and_query_secrets() {
        assert_eq!(
            redact("postgres://u:p@ss@h/db?password=x&sslpassword=y&application_name=a"),
            "postgres://u:***@h/db?password=***&sslpassword=***&application_name=a"
        );
    }

    #[test]
    fn scrubs_messages() {
        let url = "postgres://u:hunter2@h/db";
        assert_eq!(scrub("auth failed for hunter2", url), "auth failed for ***");
    }
}
