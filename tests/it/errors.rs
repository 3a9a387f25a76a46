//! Errors compose: every public error type is a `std::error::Error` that `?` turns into `Box<dyn Error>` in a
//! host's `main`, and its `Debug` (what such a `main` prints) is its message.

use std::convert::Infallible;
use std::error::Error;
use std::fmt::{Debug, Display};

use customer_care::calendar::ClockTime;
use customer_care::care::Template;
use customer_care::customer::{Language, Region};
use customer_care::host::conformance::ConformanceFailure;
use customer_care::host::{AppendError, SubmitError};
use customer_care::ledger::{InvariantViolation, LedgerError, LotId, Tag};
use customer_care::lifecycle::{Span, TimeUnit};
use customer_care::loyalty::{LoyaltyError, LoyaltyProgram, Points, PointsFraction, ProgramSpec};
use customer_care::metrics::NpsScore;
use customer_care::service::TicketId;
use customer_care::stats::ConfidenceLevel;
use customer_care::stats::percentile::Sample;
use customer_care::stream::BatchError;
use customer_care::wallet::{StoredValueProgram, StoredValueSpec};
use customer_care::{CommandId, Currency, CustomerId, Money, StreamError};

/// What a host's `main` does: `?` on the crate's results, into `Box<dyn Error>`.
type MainResult = Result<(), Box<dyn Error>>;

/// The error `?` produced, checked: `Debug` is the message, and the boxed error shows the same.
fn check(result: MainResult, message: &str) {
    let error = result.expect_err("an error");
    assert_eq!(error.to_string(), message);
    assert_eq!(format!("{error:?}"), message);
}

/// A value of an error type: `Error + Send + Sync + 'static` (so it boxes for threads too), `Debug` equal to
/// `Display`.
fn composes<E: Error + Debug + Display + Send + Sync + 'static>(error: E) {
    let message = error.to_string();
    assert!(!message.is_empty());
    assert_eq!(format!("{error:?}"), message);
    assert_eq!(format!("{error:#?}"), message);
    let boxed: Box<dyn Error + Send + Sync> = Box::new(error);
    assert_eq!(format!("{boxed:?}"), message);
}

#[test]
fn question_mark_works_in_a_main_on_every_domains_errors() {
    check(
        (|| -> MainResult {
            CustomerId::from_u128(0)?;
            Ok(())
        })(),
        "customer id must not be the nil UUID",
    );
    check(
        (|| -> MainResult {
            "0.001 USD".parse::<Money>()?;
            Ok(())
        })(),
        "0.001 has more than 2 decimal places allowed for USD",
    );
    check(
        (|| -> MainResult {
            Region::parse("XX")?;
            Ok(())
        })(),
        &Region::parse("XX").unwrap_err().to_string(),
    );
    check(
        (|| -> MainResult {
            Language::new("vietnam")?;
            Ok(())
        })(),
        &Language::new("vietnam").unwrap_err().to_string(),
    );
    check(
        (|| -> MainResult {
            NpsScore::new(11)?;
            Ok(())
        })(),
        &NpsScore::new(11).unwrap_err().to_string(),
    );
    check(
        (|| -> MainResult {
            ConfidenceLevel::new(1.5)?;
            Ok(())
        })(),
        "confidence level must be strictly between 0 and 1, got 1.5",
    );
    check(
        (|| -> MainResult {
            ClockTime::new(25, 0, 0)?;
            Ok(())
        })(),
        &ClockTime::new(25, 0, 0).unwrap_err().to_string(),
    );
    check(
        (|| -> MainResult {
            TicketId::new("")?;
            Ok(())
        })(),
        &TicketId::new("").unwrap_err().to_string(),
    );
    check(
        (|| -> MainResult {
            Template::new("{nope")?;
            Ok(())
        })(),
        &Template::new("{nope").unwrap_err().to_string(),
    );
    check(
        (|| -> MainResult {
            Span::new(-1.0, TimeUnit::Day)?;
            Ok(())
        })(),
        &Span::new(-1.0, TimeUnit::Day).unwrap_err().to_string(),
    );
    check(
        (|| -> MainResult {
            Sample::new([f64::NAN])?;
            Ok(())
        })(),
        &Sample::new([f64::NAN]).unwrap_err().to_string(),
    );
    check(
        (|| -> MainResult {
            Tag::new("two words")?;
            Ok(())
        })(),
        &Tag::new("two words").unwrap_err().to_string(),
    );
    check(
        (|| -> MainResult {
            "x".parse::<LotId>()?;
            Ok(())
        })(),
        &"x".parse::<LotId>().unwrap_err().to_string(),
    );
    check(
        (|| -> MainResult {
            "x".parse::<PointsFraction>()?;
            Ok(())
        })(),
        &"x".parse::<PointsFraction>().unwrap_err().to_string(),
    );
    let vnd = |amount| Money::from_minor(amount, Currency::VND);
    check(
        (|| -> MainResult {
            LoyaltyProgram::new(ProgramSpec::new(chrono_tz::UTC, vnd(100), 0))?;
            Ok(())
        })(),
        "invalid loyalty program: earn rate for VND must be greater than zero",
    );
    let mut spec = StoredValueSpec::new(chrono_tz::UTC, Currency::VND);
    spec.min_top_up = Some(Money::from_minor(10, Currency::USD));
    check(
        (|| -> MainResult {
            StoredValueProgram::new(spec)?;
            Ok(())
        })(),
        "invalid stored-value program: minimum top-up 0.10 USD must be a positive amount in VND",
    );
    // The crate-level error wraps each domain's, with the same message.
    check(
        (|| -> MainResult { Err(customer_care::Error::from(NpsScore::new(11).unwrap_err()))? })(),
        &NpsScore::new(11).unwrap_err().to_string(),
    );
}

#[test]
fn every_public_error_type_composes_and_debugs_as_its_message() {
    composes(CustomerId::from_u128(0).unwrap_err());
    composes("0.001 USD".parse::<Money>().unwrap_err());
    composes(StreamError::VersionGap { current: 1, found: 3 });
    composes(Language::new("vietnam").unwrap_err());
    composes(Region::parse("XX").unwrap_err());
    composes(NpsScore::new(11).unwrap_err());
    composes(ConfidenceLevel::new(1.5).unwrap_err());
    composes(Sample::new([f64::NAN]).unwrap_err());
    composes(ClockTime::new(25, 0, 0).unwrap_err());
    composes(TicketId::new("").unwrap_err());
    composes(Template::new("{nope").unwrap_err());
    composes(Span::new(-1.0, TimeUnit::Day).unwrap_err());
    composes(LoyaltyError::InsufficientPoints { requested: Points::new(500), available: Points::new(320) });
    composes("x".parse::<PointsFraction>().unwrap_err());
    composes(
        StoredValueProgram::new(
            StoredValueSpec::new(chrono_tz::UTC, Currency::VND).max_balance(Money::from_minor(0, Currency::VND)),
        )
        .unwrap_err(),
    );
    composes(Tag::new("two words").unwrap_err());
    composes(customer_care::DisplayName::new("   ").unwrap_err());
    composes("x".parse::<LotId>().unwrap_err());
    composes(LedgerError::InsufficientBalance { requested: Points::new(5), available: Points::new(2) });
    composes(InvariantViolation { what: "lots do not add up".into() });
    composes(BatchError { index: 2, error: StreamError::VersionGap { current: 1, found: 3 } });
    composes(AppendError::<Infallible>::VersionConflict { stream: uuid::Uuid::nil(), expected: 1, actual: 2 });
    composes(SubmitError::<LoyaltyError, Infallible>::TooManyConflicts { attempts: 3 });
    composes(SubmitError::<LoyaltyError, Infallible>::Rejected(LoyaltyError::NoTiers));
    composes(ConformanceFailure { check: "atomic_batch", detail: "a refused batch left 3 commits".into() });
    composes(customer_care::Error::from(StreamError::VersionGap { current: 1, found: 3 }));
    composes(CommandId::from_u128(0).unwrap_err());
}

#[test]
fn debug_prints_the_message_not_the_fields() {
    let e = LoyaltyError::InsufficientPoints { requested: Points::new(500), available: Points::new(320) };
    assert_eq!(format!("{e:?}"), "insufficient points: requested 500, available 320");
    let nested = SubmitError::<LoyaltyError, Infallible>::Rejected(e);
    assert_eq!(format!("{nested:?}"), "rejected: insufficient points: requested 500, available 320");
}
