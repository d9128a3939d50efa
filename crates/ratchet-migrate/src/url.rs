//! Database URLs as ratchet shows them: never with a password.

/// A database URL cut where ratchet needs to cut it: around the password and into query
/// parameters. `prefix` + `:password` + `rest` + `?params` is the URL.
pub(crate) struct Parts<'a> {
    /// Up to the user name (`postgres://app`), or the whole base without user info.
    pub prefix: &'a str,
    /// The password of the user info, as written (percent-encoded).
    pub password: Option<&'a str>,
    /// From the `@` (included, when there is one) to the end of the path.
    pub rest: &'a str,
    /// The query parameters (`key=value`), as written.
    pub params: Vec<&'a str>,
}

/// A parameter's key and value (`""` when it has none).
fn key_value(pair: &str) -> (&str, &str) {
    pair.split_once('=').unwrap_or((pair, ""))
}

impl Parts<'_> {
    /// Rebuilds the URL with `password` (when `Some`) and the parameters `param` keeps,
    /// each mapped to its new text.
    fn render(&self, password: Option<&str>, param: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::from(self.prefix);
        if let Some(password) = password {
            out.push(':');
            out.push_str(password);
        }
        out.push_str(self.rest);
        let params: Vec<String> = self.params.iter().filter_map(|pair| param(pair)).collect();
        if !params.is_empty() {
            out.push('?');
            out.push_str(&params.join("&"));
        }
        out
    }
}

/// Cuts a URL into [`Parts`].
pub(crate) fn parts(url: &str) -> Parts<'_> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let params = query.split('&').filter(|p| !p.is_empty()).collect();
    let whole = |base| Parts {
        prefix: base,
        password: None,
        rest: "",
        params: Vec::new(),
    };
    let Some(scheme_end) = base.find("://").map(|i| i + 3) else {
        return Parts {
            params,
            ..whole(base)
        };
    };
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    // The last `@` of the authority ends the user info: a password may hold an `@`.
    let Some(at) = base[scheme_end..authority_end]
        .rfind('@')
        .map(|i| scheme_end + i)
    else {
        return Parts {
            params,
            ..whole(base)
        };
    };
    let userinfo = &base[scheme_end..at];
    match userinfo.find(':') {
        Some(colon) => Parts {
            prefix: &base[..scheme_end + colon],
            password: Some(&userinfo[colon + 1..]),
            rest: &base[at..],
            params,
        },
        None => Parts {
            prefix: &base[..at],
            password: None,
            rest: &base[at..],
            params,
        },
    }
}

/// Query parameters whose values are secrets.
const SECRET_PARAMS: [&str; 3] = ["password", "sslpassword", "pass"];

fn is_secret(key: &str) -> bool {
    SECRET_PARAMS.contains(&key.to_ascii_lowercase().as_str())
}

/// The URL with its password (in the user-info part and in query parameters) replaced by
/// `***`, for every message ratchet prints.
pub fn redact(url: &str) -> String {
    let parts = parts(url);
    parts.render(parts.password.map(|_| "***"), |pair| {
        let (key, _) = key_value(pair);
        Some(if is_secret(key) {
            format!("{key}=***")
        } else {
            pair.to_string()
        })
    })
}

/// The secrets in a URL (its password and secret query parameters), so that a driver's
/// message that quotes them can be scrubbed.
pub fn secrets(url: &str) -> Vec<String> {
    let parts = parts(url);
    parts
        .password
        .into_iter()
        .chain(
            parts
                .params
                .iter()
                .map(|pair| key_value(pair))
                .filter(|(key, _)| is_secret(key))
                .map(|(_, value)| value),
        )
        .filter(|secret| !secret.is_empty())
        .map(str::to_string)
        .collect()
}

/// `message` with every secret of `url` replaced by `***`.
pub fn scrub(message: &str, url: &str) -> String {
    secrets(url).iter().fold(message.to_string(), |m, secret| {
        m.replace(secret.as_str(), "***")
    })
}

/// The URL without its password, keeping the query parameters `keep` accepts, and the
/// password (from the user info or a `password` parameter), percent-decoded: for handing a
/// URL to a client program with the password in its environment, never its arguments.
pub(crate) fn without_password(url: &str, keep: impl Fn(&str) -> bool) -> (String, Option<String>) {
    let parts = parts(url);
    let password = parts
        .password
        .or_else(|| {
            parts
                .params
                .iter()
                .map(|pair| key_value(pair))
                .find(|(key, _)| *key == "password")
                .map(|(_, value)| value)
        })
        .map(percent_decode);
    let url = parts.render(None, |pair| {
        let (key, _) = key_value(pair);
        (key != "password" && keep(key)).then(|| pair.to_string())
    });
    (url, password)
}

/// `%XX` escapes decoded (a password in a URL is percent-encoded).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
