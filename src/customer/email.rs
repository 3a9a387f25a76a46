//! E-mail addresses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::CustomerError;
use super::redact::redacted;

/// A syntactically valid e-mail address (RFC 5322 `addr-spec`), domain lower-cased.
///
/// Checked with the dependency-free `email_address` crate: a local part, `@`, and a domain of at least two labels
/// (`lan@localhost` is rejected); no display names (`Lan <lan@example.com>`), no domain literals (`lan@[10.0.0.1]`).
/// The local part keeps its case, as RFC 5321 says it may be case-sensitive; the domain is lower-cased because DNS
/// is not. Deliverability is not checked: that needs I/O, which is the host's.
///
/// For de-duplication, [`match_key`](Self::match_key) lower-cases the whole address: virtually every provider
/// treats local parts case-insensitively. No provider-specific folding (Gmail dots, `+tags`) is applied.
///
/// `Debug` prints `EmailAddress(<redacted>)`.
///
/// ```
/// use customer_care::customer::EmailAddress;
///
/// let email = EmailAddress::new("Lan.Nguyen@Example.COM.vn")?;
/// assert_eq!(email.as_str(), "Lan.Nguyen@example.com.vn");
/// assert_eq!(email.match_key(), "lan.nguyen@example.com.vn");
/// assert!(EmailAddress::new("lan@localhost").is_err());
/// # Ok::<(), customer_care::customer::CustomerError>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(Box<str>);

impl EmailAddress {
    /// Validates the syntax and lower-cases the domain.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidEmail`] naming what is wrong (not the address: errors get logged).
    pub fn new(value: &str) -> Result<Self, CustomerError> {
        // Built from `Default` and the builder methods, never a struct literal: the crate adds fields in minor
        // releases (0.2.10 did), and a literal would stop compiling for a dependent resolving the newest version.
        let options =
            email_address::Options::default().with_required_tld().without_domain_literal().without_display_text();
        let parsed = email_address::EmailAddress::parse_with_options(value, options).map_err(|e| {
            let reason = e.to_string();
            CustomerError::InvalidEmail { reason: reason.trim_end_matches('.').to_lowercase() }
        })?;
        let normalised = format!("{}@{}", parsed.local_part(), parsed.domain().to_lowercase());
        Ok(Self(normalised.into()))
    }

    /// The address, local part as given, domain lower-cased.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the last `@`.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or(&self.0, |(local, _)| local)
    }

    /// The domain, lower-cased.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }

    /// The whole address lower-cased: the key used to find duplicate customers.
    pub fn match_key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "EmailAddress")
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for EmailAddress {
    type Err = CustomerError;
    fn from_str(s: &str) -> Result<Self, CustomerError> {
        Self::new(s)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = CustomerError;
    fn try_from(value: String) -> Result<Self, CustomerError> {
        Self::new(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(email: EmailAddress) -> Self {
        email.0.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses() {
        for (input, expected) in [
            ("lan@example.com", "lan@example.com"),
            ("Lan@EXAMPLE.com", "Lan@example.com"),
            ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
            ("\"quoted local\"@example.org", "\"quoted local\"@example.org"),
        ] {
            assert_eq!(EmailAddress::new(input).unwrap().as_str(), expected, "{input}");
        }
        let e = EmailAddress::new("Lan@Example.com").unwrap();
        assert_eq!((e.local_part(), e.domain()), ("Lan", "example.com"));
    }

    #[test]
    fn invalid_addresses() {
        for input in [
            "",
            "lan",
            "lan@",
            "@example.com",
            "lan@localhost",
            "Lan <lan@example.com>",
            "lan@[10.0.0.1]",
            "la n@example.com",
            "lan@exa mple.com",
        ] {
            assert!(EmailAddress::new(input).is_err(), "{input:?}");
        }
        assert_eq!(
            EmailAddress::new("lan.example.com").unwrap_err().to_string(),
            "invalid e-mail address: missing separator character '@'"
        );
    }
}
