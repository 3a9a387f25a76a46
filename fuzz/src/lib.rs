//! What the fuzz targets share: instants across chrono's whole range, time zones with awkward rules, small pools of
//! ids and amounts (so commands meet each other), and the generic aggregate check.

use std::fmt::Debug;

use arbitrary::{Result, Unstructured};
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use customer_care::stream::{Aggregate, Command, Commit, Decision, replay};
use customer_care::{CommandId, Currency, Money};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Zones the issue names, plus the ones with the oddest rules: 30-minute DST (Lord Howe), a missing midnight
/// (Santiago), +14 (Kiritimati), +13:45 (Chatham), -12, a 45-minute offset (Kathmandu), -3:30 (St John's).
pub const ZONES: [Tz; 12] = [
    Tz::UTC,
    Tz::Asia__Ho_Chi_Minh,
    Tz::America__New_York,
    Tz::Pacific__Kiritimati,
    Tz::America__Santiago,
    Tz::Europe__London,
    Tz::Australia__Lord_Howe,
    Tz::Pacific__Chatham,
    Tz::Etc__GMTPlus12,
    Tz::Asia__Kathmandu,
    Tz::America__St_Johns,
    Tz::Pacific__Apia,
];

/// A zone: mostly one of [`ZONES`], sometimes any zone of the database.
pub fn zone(u: &mut Unstructured<'_>) -> Result<Tz> {
    if u.ratio(3, 4)? { Ok(*u.choose(&ZONES)?) } else { Ok(*u.choose(chrono_tz::TZ_VARIANTS.as_slice())?) }
}

/// An instant anywhere in chrono's range, weighted towards both ends (where local conversions overflow) and
/// towards the present (where the business rules live).
pub fn instant(u: &mut Unstructured<'_>) -> Result<DateTime<Utc>> {
    let min = DateTime::<Utc>::MIN_UTC;
    let max = DateTime::<Utc>::MAX_UTC;
    let near = |u: &mut Unstructured<'_>| -> Result<TimeDelta> {
        // The end itself, within two days (where a zone's offset crosses it), or within ~2 years; to the second,
        // sometimes with nanoseconds.
        let secs = match u.int_in_range(0..=2u8)? {
            0 => 0,
            1 => u.int_in_range(0..=172_800i64)?,
            _ => u.int_in_range(0..=63_072_000i64)?,
        };
        let nanos = if u.ratio(1, 4)? { u.int_in_range(0..=999_999_999u32)? } else { 0 };
        Ok(TimeDelta::new(secs, nanos).unwrap_or_default())
    };
    Ok(match u.int_in_range(0..=4u8)? {
        0 => min.checked_add_signed(near(u)?).unwrap_or(min),
        1 => max.checked_sub_signed(near(u)?).unwrap_or(max),
        2 => {
            let secs = u.int_in_range(min.timestamp()..=max.timestamp())?;
            DateTime::from_timestamp(secs, 0).unwrap_or(min)
        }
        _ => {
            // 2000-01-01 .. ~2060, to the second.
            let secs = u.int_in_range(946_684_800i64..=2_840_140_800)?;
            DateTime::from_timestamp(secs, 0).unwrap_or(min)
        }
    })
}

/// `t` moved by a small step, mostly forwards: nothing, minutes, days, months, or (rarely) backwards or to the
/// far end of the range. Saturates at chrono's limits.
pub fn step(u: &mut Unstructured<'_>, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let delta = match u.int_in_range(0..=9u8)? {
        0..=2 => TimeDelta::zero(),
        3..=4 => TimeDelta::minutes(u.int_in_range(1..=600)?),
        5..=6 => TimeDelta::days(u.int_in_range(1..=40)?),
        7 => TimeDelta::days(u.int_in_range(40..=800)?),
        8 => -TimeDelta::minutes(u.int_in_range(1..=10_000)?),
        _ => return instant(u),
    };
    Ok(t.checked_add_signed(delta).unwrap_or(if delta < TimeDelta::zero() {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    }))
}

/// A currency: mostly VND (0 minor digits), USD (2) or KWD (3), sometimes any ISO 4217 code.
pub fn currency(u: &mut Unstructured<'_>) -> Result<Currency> {
    const CODES: [&str; 8] = ["VND", "USD", "KWD", "JPY", "EUR", "CLF", "BHD", "UYW"];
    let code = *u.choose(&CODES)?;
    Ok(Currency::from_code(code).unwrap_or_else(|_| Currency::from_code("USD").expect("USD is ISO 4217")))
}

/// An amount in minor units of `currency`: mostly small, sometimes zero, negative or huge.
pub fn money(u: &mut Unstructured<'_>, currency: Currency) -> Result<Money> {
    let units = match u.int_in_range(0..=9u8)? {
        0 => 0,
        1 => -u.int_in_range(1..=10_000i64)?,
        2 => u.arbitrary::<i64>()?,
        _ => u.int_in_range(1..=100_000i64)?,
    };
    Ok(Money::from_minor(units, currency))
}

/// An id from a small pool (so commands meet each other), never nil.
pub fn small_u128(u: &mut Unstructured<'_>, pool: u8) -> Result<u128> {
    Ok(u128::from(u.int_in_range(1..=pool.max(1))?))
}

/// The command ids of a run: mostly fresh, sometimes one already used (a retry, or a reuse with another body).
#[derive(Debug, Default)]
pub struct Ids {
    used: Vec<CommandId>,
    next: u128,
}

impl Ids {
    /// The next command id.
    pub fn next(&mut self, u: &mut Unstructured<'_>) -> Result<CommandId> {
        if !self.used.is_empty() && u.ratio(1, 8)? {
            return Ok(*u.choose(&self.used)?);
        }
        self.next += 1;
        let id = CommandId::from_u128(self.next).expect("ids start at 1");
        self.used.push(id);
        Ok(id)
    }
}

/// Runs `commands` through `decide`/`apply` from `initial` and checks the envelope's promises:
///
/// - deciding is deterministic (the same command twice gives the same answer) and never panics;
/// - an accepted commit has the next version; a duplicate names a version already committed with that id;
/// - a rejected command changes nothing: the state still equals the replay of the accepted commits, and deciding
///   the next command from it gives the same answer as from a fresh replay;
/// - replaying the accepted commits from scratch, with the generic [`replay`] and with the aggregate's own
///   `fast_replay`, gives the live state; so does a JSON snapshot of the live state;
/// - every commit round-trips through JSON.
pub fn check_aggregate<A, R>(
    initial: &A,
    context: &A::Context,
    commands: &[Command<A::Command>],
    fast_replay: impl Fn(A, &[Commit<A::Command, A::Event>]) -> std::result::Result<A, R>,
) -> A
where
    A: Aggregate + PartialEq + Debug + Serialize + DeserializeOwned,
    A::Command: Debug + Serialize + DeserializeOwned,
    A::Event: Debug + PartialEq + Serialize + DeserializeOwned,
    A::Error: Debug + PartialEq,
    R: Debug,
{
    let mut state = initial.clone();
    let mut log: Vec<Commit<A::Command, A::Event>> = Vec::new();
    let mut rejected_since_replay = false;
    for command in commands {
        let decision = state.decide(context, command);
        assert_eq!(decision, state.decide(context, command), "decide is deterministic");
        if rejected_since_replay {
            // The state after rejections decides exactly as a state rebuilt from the accepted commits.
            let rebuilt = replay(initial.clone(), &log).expect("replay of accepted commits");
            assert_eq!(rebuilt, state, "a rejected command changed nothing");
            assert_eq!(rebuilt.decide(context, command), decision, "rebuilt state decides the same");
            rejected_since_replay = false;
        }
        match decision {
            Ok(Decision::Accepted(commit)) => {
                assert_eq!(Some(commit.version), state.version().checked_add(1), "next version");
                assert_eq!(commit.command, *command, "the commit holds the command");
                state.apply(&commit);
                assert_eq!(state.version(), commit.version);
                log.push(commit);
            }
            Ok(Decision::Duplicate { version }) => {
                let original = usize::try_from(version).ok().and_then(|v| v.checked_sub(1)).and_then(|i| log.get(i));
                let original = original.expect("a duplicate names a committed version");
                assert_eq!(original.command.id, command.id, "a duplicate has the same id");
            }
            Err(_) => rejected_since_replay = true,
        }
    }
    let replayed = replay(initial.clone(), &log).expect("generic replay");
    assert_eq!(replayed, state, "generic replay equals live");
    let fast = fast_replay(initial.clone(), &log).expect("the aggregate's replay");
    assert_eq!(fast, state, "the aggregate's replay equals live");
    let json = serde_json::to_string(&state).expect("a state serializes");
    let back: A = serde_json::from_str(&json).expect("a serialized state deserializes");
    assert_eq!(back, state, "a snapshot round-trips");
    for commit in &log {
        let json = serde_json::to_string(commit).expect("a commit serializes");
        let back: Commit<A::Command, A::Event> = serde_json::from_str(&json).expect("a commit deserializes");
        assert_eq!(&back, commit, "a commit round-trips");
    }
    state
}

/// Loads what the library loads lazily once per process (the libphonenumber metadata, a few seconds under the
/// sanitizer), so that cost is not charged to the first input and reported as a slow unit or a timeout.
pub fn warm_up() {
    let _ = customer_care::customer::PhoneNumber::parse("0903 123 456", "VN".parse().ok());
}
