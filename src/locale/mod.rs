//! How customers read things: numbers, money, dates and times in their language ([`Locale`]), and the names of
//! tiers and campaigns in their language ([`DisplayName`]).
//!
//! The rule for names: a **key** (a [`TierName`](crate::loyalty::TierName), a campaign's `name`) is stable,
//! ASCII where the type says so, and is what events, commands and configuration refer to; a customer never reads
//! it. What a customer reads is a [`DisplayName`]: any Unicode text ("Bạc", "Thành viên"), with optional texts
//! per language. Messages and receipts print the display name in the reader's language, its default text when
//! it has none in that language, and the key only when no display name was configured.
//!
//! ```
//! use customer_care::{DisplayName, Locale, Money};
//!
//! let silver = DisplayName::new("Bạc")?.with("en", "Silver")?;
//! assert_eq!(silver.for_language("vi-VN"), "Bạc");
//! assert_eq!(silver.for_language("en"), "Silver");
//! assert_eq!(silver.for_language("fr"), "Bạc"); // the default text
//!
//! let spent: Money = "1850000 VND".parse()?;
//! assert_eq!(Locale::Vietnamese.format_money(&spent), "1.850.000 ₫");
//! assert_eq!(Locale::English.format_money(&spent), "₫1,850,000");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod display_name;
mod error;
mod format;

pub use display_name::{DISPLAY_NAME_MAX_CHARS, DisplayName};
pub use error::LocaleError;
pub use format::Locale;
