//! The serialized form of a business calendar: zone, weekly hours, schedule changes, holidays and exception
//! days, as the builder collects them and the engine compiles them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::values::{ClockTime, TimeRange, WeeklyHours, zone_name};

/// New weekly hours from local time `at` of the date `from` on (midnight, omitted when serialized, unless said).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ScheduleChange {
    pub(super) from: NaiveDate,
    #[serde(default = "midnight", skip_serializing_if = "is_midnight")]
    pub(super) at: ClockTime,
    pub(super) hours: WeeklyHours,
}

const fn midnight() -> ClockTime {
    ClockTime::MIDNIGHT
}

fn is_midnight(at: &ClockTime) -> bool {
    *at == ClockTime::MIDNIGHT
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct CalendarSpec {
    #[serde(with = "zone_name")]
    pub(super) zone: Tz,
    pub(super) hours: WeeklyHours,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) changes: Vec<ScheduleChange>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub(super) holidays: BTreeSet<NaiveDate>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) exceptions: BTreeMap<NaiveDate, Vec<TimeRange>>,
}
