//! The deadline index: which streams are due, and how instants are stored in it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A stream whose next deadline has come: wake it with its time command (`PointsCommand::ProcessDue`,
/// `WalletCommand::ProcessDue`) issued at the scheduler's `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Due {
    /// The stream.
    pub stream: Uuid,
    /// Its next deadline (to the microsecond, rounded up).
    pub due_at: DateTime<Utc>,
    /// The stream's version when the deadline was stored.
    pub version: u64,
}

/// Microseconds since the epoch, rounded up: a stored deadline is never earlier than the real one, so a stream is
/// never woken before anything is due (at worst 1 µs late). In the last microsecond of chrono's range, where
/// rounding up would leave it, rounded down.
pub fn to_micros_ceil(t: DateTime<Utc>) -> i64 {
    let micros = t.timestamp_micros();
    if t.timestamp_subsec_nanos().is_multiple_of(1_000) {
        return micros;
    }
    micros.checked_add(1).filter(|&up| from_micros(up).is_some()).unwrap_or(micros)
}

/// The instant `micros` microseconds after the epoch, if chrono can hold it.
pub fn from_micros(micros: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros)
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn deadlines_round_up_to_the_microsecond_and_come_back() {
        let t = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::nanoseconds(1_500);
        assert_eq!(to_micros_ceil(t), 2);
        let before = DateTime::<Utc>::UNIX_EPOCH - TimeDelta::nanoseconds(1_500);
        assert_eq!(to_micros_ceil(before), -1);
        let exact = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::microseconds(7);
        assert_eq!(from_micros(to_micros_ceil(exact)), Some(exact));
        assert_eq!(from_micros(to_micros_ceil(DateTime::<Utc>::MIN_UTC)), Some(DateTime::<Utc>::MIN_UTC));
        let end = from_micros(to_micros_ceil(DateTime::<Utc>::MAX_UTC)).unwrap();
        assert!(DateTime::<Utc>::MAX_UTC - end < TimeDelta::microseconds(1));
        assert_eq!(from_micros(i64::MAX), None);
    }
}
