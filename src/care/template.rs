//! Message templates with named placeholders, checked when built so a customer never reads a blank.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::CareError;
use crate::text::excerpt;

/// A value a template can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Placeholder {
    /// `{name}`: how to address the customer (preferred name, full name, or the template set's fallback).
    Name,
    /// `{business}`: the business's name.
    Business,
    /// `{points}`: a number of points (points about to expire; on a points receipt, the balance).
    Points,
    /// `{balance}`: a stored-value balance.
    Balance,
    /// `{amount}`: an amount of money (a purchase, a bonus about to expire; on a receipt, the amount paid).
    Amount,
    /// `{expires_on}`: the date something expires or changes; for an expiry, the last local date it can be used.
    ExpiresOn,
    /// `{tier}`: a loyalty tier's name.
    Tier,
    /// `{voucher}`: a voucher or promotion code configured by the business.
    Voucher,
    /// `{date}`: the date of the occasion or purchase.
    Date,
    /// `{order}`: an order reference.
    Order,
    /// `{link}`: a link (a survey, a booking page).
    Link,
    /// `{time}`: the local time of day of a receipt (`14:30`).
    Time,
    /// `{earned}`: points earned, on a points receipt.
    Earned,
    /// `{redeemed}`: points redeemed, on a points receipt.
    Redeemed,
    /// `{expiring}`: what expires next, on a receipt (points, or money); `{expires_on}` says until when it can be
    /// used.
    Expiring,
}

impl Placeholder {
    /// Every placeholder.
    pub const ALL: [Self; 15] = [
        Self::Name,
        Self::Business,
        Self::Points,
        Self::Balance,
        Self::Amount,
        Self::ExpiresOn,
        Self::Tier,
        Self::Voucher,
        Self::Date,
        Self::Order,
        Self::Link,
        Self::Time,
        Self::Earned,
        Self::Redeemed,
        Self::Expiring,
    ];

    /// The name written between braces.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Business => "business",
            Self::Points => "points",
            Self::Balance => "balance",
            Self::Amount => "amount",
            Self::ExpiresOn => "expires_on",
            Self::Tier => "tier",
            Self::Voucher => "voucher",
            Self::Date => "date",
            Self::Order => "order",
            Self::Link => "link",
            Self::Time => "time",
            Self::Earned => "earned",
            Self::Redeemed => "redeemed",
            Self::Expiring => "expiring",
        }
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}", self.as_str())
    }
}

impl FromStr for Placeholder {
    type Err = CareError;
    fn from_str(s: &str) -> Result<Self, CareError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| CareError::UnknownPlaceholder { name: excerpt(s), position: 0 })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Value(Placeholder),
}

/// The longest accepted template, in characters.
pub const TEMPLATE_MAX_CHARS: usize = 2_000;

/// A message with `{placeholders}`; `{{` and `}}` write literal braces.
///
/// Parsing rejects unknown placeholders and unbalanced braces; [`require`](Self::require) checks the template
/// only names values the care kind supplies; [`render`](Self::render) fails rather than leave a blank.
/// Serialized as its source text, validated on the way in.
///
/// ```
/// use customer_care::care::{Placeholder, Template};
/// use std::collections::BTreeMap;
///
/// let t: Template = "Chúc mừng sinh nhật {name}! Quà của bạn: {voucher}".parse()?;
/// assert_eq!(t.placeholders().collect::<Vec<_>>(), [Placeholder::Name, Placeholder::Voucher]);
/// let values = BTreeMap::from([(Placeholder::Name, "chị Lan".to_owned()), (Placeholder::Voucher, "HPBD26".to_owned())]);
/// assert_eq!(t.render(&values)?, "Chúc mừng sinh nhật chị Lan! Quà của bạn: HPBD26");
/// assert!("Hello {nmae}".parse::<Template>().is_err());
/// # Ok::<(), customer_care::care::CareError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

impl Template {
    /// Parses a template.
    ///
    /// # Errors
    ///
    /// [`CareError::UnknownPlaceholder`], [`CareError::UnbalancedBrace`] (with the character position), or
    /// [`CareError::InvalidTemplate`] for an empty or over-long text.
    pub fn new(source: &str) -> Result<Self, CareError> {
        let chars = source.chars().count();
        if source.trim().is_empty() || chars > TEMPLATE_MAX_CHARS {
            return Err(CareError::InvalidTemplate { chars, max: TEMPLATE_MAX_CHARS });
        }
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut iter = source.chars().enumerate().peekable();
        while let Some((position, c)) = iter.next() {
            match c {
                '{' if iter.peek().is_some_and(|&(_, n)| n == '{') => {
                    iter.next();
                    text.push('{');
                }
                '}' if iter.peek().is_some_and(|&(_, n)| n == '}') => {
                    iter.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match iter.next() {
                            Some((_, '}')) => break,
                            Some((_, '{')) | None => return Err(CareError::UnbalancedBrace { position }),
                            Some((_, ch)) => name.push(ch),
                        }
                    }
                    let placeholder = name
                        .parse::<Placeholder>()
                        .map_err(|_| CareError::UnknownPlaceholder { name: excerpt(&name), position })?;
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Value(placeholder));
                }
                '}' => return Err(CareError::UnbalancedBrace { position }),
                _ => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Self { source: source.to_owned(), parts })
    }

    /// The source text.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The placeholders used, in order of first use, each once.
    pub fn placeholders(&self) -> impl Iterator<Item = Placeholder> + '_ {
        let mut seen = Vec::new();
        self.parts.iter().filter_map(move |p| match p {
            Part::Value(v) if !seen.contains(v) => {
                seen.push(*v);
                Some(*v)
            }
            _ => None,
        })
    }

    /// Checks that every placeholder is among `supplied`.
    ///
    /// # Errors
    ///
    /// [`CareError::PlaceholderNotSupplied`] naming the first placeholder nobody fills, and `context` (the care
    /// kind).
    pub fn require(&self, supplied: &[Placeholder], context: &str) -> Result<(), CareError> {
        match self.placeholders().find(|p| !supplied.contains(p)) {
            Some(placeholder) => Err(CareError::PlaceholderNotSupplied { placeholder, context: context.to_owned() }),
            None => Ok(()),
        }
    }

    /// Fills the placeholders.
    ///
    /// # Errors
    ///
    /// [`CareError::MissingValue`] when a placeholder has no value (never a blank in a customer's message).
    pub fn render(&self, values: &BTreeMap<Placeholder, String>) -> Result<String, CareError> {
        let mut out = String::with_capacity(self.source.len() + 32);
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Value(p) => out.push_str(values.get(p).ok_or(CareError::MissingValue { placeholder: *p })?),
            }
        }
        Ok(out)
    }

    /// Fills the placeholders line by line, leaving out each line that names a value not in `values`: how a
    /// receipt prints its optional facts (the points-redeemed line only when points were redeemed, the expiry
    /// line only when something expires). Lines are separated by `\n`; a line without placeholders is always
    /// kept.
    ///
    /// ```
    /// use customer_care::care::{Placeholder, Template};
    /// use std::collections::BTreeMap;
    ///
    /// let t: Template = "Balance: {balance}\n{expiring} to use by {expires_on}".parse()?;
    /// let mut values = BTreeMap::from([(Placeholder::Balance, "₫2,150,000".to_owned())]);
    /// assert_eq!(t.render_lines(&values)?, "Balance: ₫2,150,000");
    /// values.insert(Placeholder::Expiring, "₫150,000".to_owned());
    /// values.insert(Placeholder::ExpiresOn, "5 Mar 2027".to_owned());
    /// assert_eq!(t.render_lines(&values)?, "Balance: ₫2,150,000\n₫150,000 to use by 5 Mar 2027");
    /// # Ok::<(), customer_care::care::CareError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`CareError::MissingValue`] naming the first value missing when every line is left out.
    pub fn render_lines(&self, values: &BTreeMap<Placeholder, String>) -> Result<String, CareError> {
        let mut lines = Lines::default();
        for part in &self.parts {
            match part {
                Part::Text(t) => {
                    let mut segments = t.split('\n');
                    if let Some(first) = segments.next() {
                        lines.line.push_str(first);
                    }
                    for segment in segments {
                        lines.end_line();
                        lines.line.push_str(segment);
                    }
                }
                Part::Value(p) => match values.get(p) {
                    Some(v) => lines.line.push_str(v),
                    None => lines.missing = lines.missing.or(Some(*p)),
                },
            }
        }
        lines.end_line();
        match (lines.kept, lines.first_missing) {
            (0, Some(placeholder)) => Err(CareError::MissingValue { placeholder }),
            _ => Ok(lines.out),
        }
    }
}

/// The state of [`Template::render_lines`]: the text so far, the line being filled and what it lacks.
#[derive(Default)]
struct Lines {
    out: String,
    line: String,
    kept: usize,
    missing: Option<Placeholder>,
    first_missing: Option<Placeholder>,
}

impl Lines {
    /// Keeps the current line when it lacks nothing, and starts the next.
    fn end_line(&mut self) {
        match self.missing.take() {
            None => {
                if self.kept > 0 {
                    self.out.push('\n');
                }
                self.out.push_str(&self.line);
                self.kept += 1;
            }
            Some(p) => self.first_missing = self.first_missing.or(Some(p)),
        }
        self.line.clear();
    }
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Template").field(&self.source).finish()
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl FromStr for Template {
    type Err = CareError;
    fn from_str(s: &str) -> Result<Self, CareError> {
        Self::new(s)
    }
}

impl TryFrom<String> for Template {
    type Error = CareError;
    fn try_from(value: String) -> Result<Self, CareError> {
        Self::new(&value)
    }
}

impl From<Template> for String {
    fn from(t: Template) -> Self {
        t.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_errors() {
        let t = Template::new("{{literal}} {name}}} ok").unwrap();
        let values = BTreeMap::from([(Placeholder::Name, "Lan".to_owned())]);
        assert_eq!(t.render(&values).unwrap(), "{literal} Lan} ok");
        assert_eq!(Template::new("Hi {name").unwrap_err(), CareError::UnbalancedBrace { position: 3 });
        assert_eq!(Template::new("Hi } there").unwrap_err(), CareError::UnbalancedBrace { position: 3 });
        assert_eq!(Template::new("Hi {a{b}").unwrap_err(), CareError::UnbalancedBrace { position: 3 });
        assert_eq!(
            Template::new("Xin chào {tên}").unwrap_err().to_string(),
            "unknown placeholder {tên} at character 9: expected one of {name}, {business}, {points}, {balance}, {amount}, {expires_on}, {tier}, {voucher}, {date}, {order}, {link}, {time}, {earned}, {redeemed}, {expiring}"
        );
        assert!(Template::new("   ").is_err());
        assert!(Template::new(&"x".repeat(2001)).is_err());
    }

    #[test]
    fn require_and_render_never_blank() {
        let t = Template::new("{name}: {points} points expire on {expires_on}").unwrap();
        assert!(
            t.require(&[Placeholder::Name, Placeholder::Points, Placeholder::ExpiresOn], "points_expiring").is_ok()
        );
        assert_eq!(
            t.require(&[Placeholder::Name], "birthday").unwrap_err().to_string(),
            "template uses {points}, which birthday does not supply"
        );
        let values = BTreeMap::from([(Placeholder::Name, "Lan".to_owned())]);
        assert_eq!(t.render(&values).unwrap_err(), CareError::MissingValue { placeholder: Placeholder::Points });
    }

    #[test]
    fn render_lines_leaves_out_lines_with_missing_values() {
        let t = Template::new("{business}: {amount}\nOrder {order}\n\n{expiring} until {expires_on}\nThanks").unwrap();
        let mut values = BTreeMap::from([(Placeholder::Business, "Mai".to_owned())]);
        // The first line lacks {amount}; the blank line and the last line have no placeholders and stay.
        assert_eq!(t.render_lines(&values).unwrap(), "\nThanks");
        values.insert(Placeholder::Amount, "5 ₫".to_owned());
        values.insert(Placeholder::Expiring, "1 ₫".to_owned());
        assert_eq!(t.render_lines(&values).unwrap(), "Mai: 5 ₫\n\nThanks");
        values.insert(Placeholder::ExpiresOn, "05/03/2027".to_owned());
        values.insert(Placeholder::Order, "A-1".to_owned());
        assert_eq!(t.render_lines(&values).unwrap(), "Mai: 5 ₫\nOrder A-1\n\n1 ₫ until 05/03/2027\nThanks");
        assert_eq!(t.render_lines(&values).unwrap(), t.render(&values).unwrap());
        // Nothing left: the first missing value is named.
        let only = Template::new("{points}\n{earned}").unwrap();
        assert_eq!(
            only.render_lines(&BTreeMap::new()).unwrap_err(),
            CareError::MissingValue { placeholder: Placeholder::Points }
        );
        let values = BTreeMap::from([(Placeholder::Earned, "5".to_owned())]);
        assert_eq!(only.render_lines(&values).unwrap(), "5");
    }

    #[test]
    fn serde_and_text_round_trip() {
        let t = Template::new("Hello {name}, {{see}} you").unwrap();
        assert_eq!(t.to_string().parse::<Template>().unwrap(), t);
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Template>(&json).unwrap(), t);
        assert!(serde_json::from_str::<Template>("\"Hi {bogus}\"").is_err());
    }
}
