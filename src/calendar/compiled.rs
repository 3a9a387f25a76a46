//! The compiled engine: a business calendar as a piecewise-linear clock over UTC nanoseconds (weekly patterns,
//! exception days and the zone's offset changes), so business time between two instants and the instant a
//! business duration ends are each a lookup and a little arithmetic.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;

use super::error::CalendarError;
use super::nanos::{DAY_NS, MIN_UTC_NS, MIN_UTC_SECS, NS_PER_SEC, WEEK_NS, WEEK_SHIFT_NS, date_nanos};
use super::spec::CalendarSpec;
use super::values::{TimeRange, WeeklyHours};

/// Below any local time of a supported instant (offsets are within ±26 hours).
pub(super) const MIN_LOCAL_NS: i64 = MIN_UTC_NS - 2 * DAY_NS;
/// Offset changes are tabulated up to here (the compiled IANA data has none later); the last offset holds after.
pub(super) const SCAN_END_SECS: i64 = 4_133_980_800; // 2101-01-01T00:00:00Z
/// Step of the offset scan: shorter than the shortest interval between two offset changes in the IANA data since
/// 1900 (6.96 days), so no change can hide between two samples.
pub(super) const SCAN_STEP_SECS: i64 = 3 * 86_400;
/// Offset changes are indexed by buckets of 2^50 ns (about 13 days) for an O(1) lookup.
pub(super) const BUCKET_SHIFT: u32 = 50;

/// A weekly pattern as sorted, merged open spans in `[0, WEEK_NS)`, with the open time before each.
#[derive(Clone, Debug)]
pub(super) struct Weekly {
    spans: Vec<Span>,
    total: i64,
}

/// An open span `[start, end)` and the open time before it (in its week or day).
#[derive(Clone, Copy, Debug)]
pub(super) struct Span {
    start: i64,
    end: i64,
    before: i64,
}

pub(super) fn spans_with_prefix(mut raw: Vec<(i64, i64)>) -> (Vec<Span>, i64) {
    raw.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(raw.len());
    for (s, e) in raw {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut before = 0_i64;
    let spans = merged
        .into_iter()
        .map(|(start, end)| {
            let span = Span { start, end, before };
            before = before.saturating_add(end.saturating_sub(start));
            span
        })
        .collect();
    (spans, before)
}

/// Open time in `[0, x)` of a span list.
pub(super) fn measure(spans: &[Span], x: i64) -> i64 {
    let i = spans.partition_point(|s| s.start < x);
    match i.checked_sub(1).and_then(|i| spans.get(i)) {
        Some(s) => s.before.saturating_add(x.min(s.end).saturating_sub(s.start)),
        None => 0,
    }
}

/// Earliest `x` with `measure(spans, x) ≥ y` for `0 < y ≤ total`.
pub(super) fn measure_inv(spans: &[Span], y: i64) -> Option<i64> {
    let i = spans.partition_point(|s| s.before.saturating_add(s.end.saturating_sub(s.start)) < y);
    spans.get(i).map(|s| s.start.saturating_add(y.saturating_sub(s.before)))
}

impl Weekly {
    fn new(hours: &WeeklyHours) -> Self {
        let mut raw = Vec::with_capacity(hours.shifts.len().saturating_add(1));
        for s in &hours.shifts {
            let (start, end) = s.week_span();
            if end > WEEK_NS {
                raw.push((start, WEEK_NS));
                raw.push((0, end.saturating_sub(WEEK_NS)));
            } else {
                raw.push((start, end));
            }
        }
        let (spans, total) = spans_with_prefix(raw);
        Self { spans, total }
    }

    /// Open time from the origin week to local time `l`.
    fn base(&self, l: i64) -> i64 {
        let x = l.saturating_add(WEEK_SHIFT_NS);
        let w = x.div_euclid(WEEK_NS);
        let r = x.rem_euclid(WEEK_NS);
        w.saturating_mul(self.total).saturating_add(measure(&self.spans, r))
    }

    /// Earliest local time `l` with `base(l) ≥ y`, if the pattern is ever open.
    fn base_inv(&self, y: i64) -> Option<i64> {
        if self.total <= 0 {
            return None;
        }
        let w = y.div_euclid(self.total);
        let rem = y.rem_euclid(self.total);
        let x = if rem == 0 {
            let last = self.spans.last()?;
            w.saturating_sub(1).saturating_mul(WEEK_NS).saturating_add(last.end)
        } else {
            w.saturating_mul(WEEK_NS).saturating_add(measure_inv(&self.spans, rem)?)
        };
        Some(x.saturating_sub(WEEK_SHIFT_NS))
    }
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Regime {
    /// The weekly pattern with this index.
    Weekly(usize),
    /// The exception day with this index.
    Day(usize),
}

/// From `start` on (local nanoseconds since 1970-01-01T00:00), open time follows `regime`; `f_start` is the
/// cumulative open time at `start`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Piece {
    start: i64,
    f_start: i64,
    /// For a weekly piece, the pattern's cumulative open time at `start` (saves a second evaluation per query).
    base_start: i64,
    regime: Regime,
}

/// An offset change: at UTC `at`, the offset becomes `offset`; `g_at` is the business-time function just there and
/// `correction` the sum of the local-time corrections of this and all earlier changes.
#[derive(Clone, Copy, Debug)]
pub(super) struct Transition {
    at: i64,
    offset: i64,
    correction: i64,
    g_at: i64,
}

#[derive(Clone, Debug)]
pub(super) struct Compiled {
    weeklies: Vec<Weekly>,
    days: Vec<(Vec<Span>, i64)>,
    pieces: Vec<Piece>,
    first_offset: i64,
    transitions: Vec<Transition>,
    /// For each bucket of 2^BUCKET_SHIFT ns from `MIN_UTC_NS`, the number of changes before the bucket starts.
    transition_index: Vec<u32>,
    /// Start of the piece index's first bucket: the second piece's start.
    piece_origin: i64,
    /// For each bucket of 2^BUCKET_SHIFT ns from `piece_origin`, the index of the piece holding the bucket's start.
    piece_index: Vec<u32>,
}

pub(super) fn offset_nanos(zone: Tz, utc_secs: i64) -> i64 {
    DateTime::from_timestamp(utc_secs, 0)
        .map(|t| i64::from(zone.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()))
        .unwrap_or(0)
        .saturating_mul(NS_PER_SEC)
}

/// Total offset changes of `zone` between 1900 and 2101 as `(utc seconds, offset after in ns)`.
pub(super) fn zone_transitions(zone: Tz) -> (i64, Vec<(i64, i64)>) {
    let first = offset_nanos(zone, MIN_UTC_SECS);
    let mut out = Vec::new();
    let mut lo = MIN_UTC_SECS;
    let mut lo_off = first;
    while lo < SCAN_END_SECS {
        let hi = lo.saturating_add(SCAN_STEP_SECS);
        let hi_off = offset_nanos(zone, hi);
        if hi_off != lo_off {
            // The offset at `lo` differs from the one at `hi`: bisect for the first second with the new offset.
            let (mut a, mut b) = (lo, hi);
            while b.saturating_sub(a) > 1 {
                let mid = a.saturating_add(b.saturating_sub(a) / 2);
                if offset_nanos(zone, mid) == lo_off {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            out.push((b, hi_off));
        }
        lo = hi;
        lo_off = hi_off;
    }
    (first, out)
}

impl Compiled {
    pub(super) fn utc_always() -> Self {
        let weekly = Weekly::new(&WeeklyHours::always());
        let f_start = weekly.base(MIN_LOCAL_NS);
        Self {
            weeklies: vec![weekly],
            days: Vec::new(),
            pieces: vec![Piece { start: MIN_LOCAL_NS, f_start, base_start: f_start, regime: Regime::Weekly(0) }],
            first_offset: 0,
            transitions: Vec::new(),
            transition_index: Vec::new(),
            piece_origin: i64::MAX,
            piece_index: Vec::new(),
        }
    }

    pub(super) fn new(spec: &CalendarSpec) -> Result<Self, CalendarError> {
        // Weekly patterns and the local instants they take effect.
        let mut weeklies = vec![Weekly::new(&spec.hours)];
        let mut periods: Vec<(i64, usize)> = Vec::with_capacity(spec.changes.len());
        for change in &spec.changes {
            let at = date_nanos(change.from)?.saturating_add(change.at.nanos());
            if periods.last().is_some_and(|(prev, _)| *prev == at) {
                return Err(CalendarError::DuplicateChange { date: change.from });
            }
            periods.push((at, weeklies.len()));
            weeklies.push(Weekly::new(&change.hours));
        }
        let period_at = |l: i64| -> usize {
            let i = periods.partition_point(|(at, _)| *at <= l);
            i.checked_sub(1).and_then(|i| periods.get(i)).map_or(0, |(_, w)| *w)
        };

        // Exception days: holidays (closed) and exceptions (their own ranges), exceptions winning.
        let mut overrides: BTreeMap<NaiveDate, Vec<TimeRange>> = BTreeMap::new();
        for date in &spec.holidays {
            date_nanos(*date)?;
            overrides.insert(*date, Vec::new());
        }
        for (date, ranges) in &spec.exceptions {
            date_nanos(*date)?;
            let mut sorted = ranges.clone();
            sorted.sort_unstable();
            for pair in sorted.windows(2) {
                if let [first, second] = pair
                    && second.start < first.end
                {
                    return Err(CalendarError::OverlappingRanges { date: *date, first: *first, second: *second });
                }
            }
            overrides.insert(*date, sorted);
        }

        // Regime change points on the local timeline.
        let mut points: BTreeMap<i64, Regime> = BTreeMap::new();
        for (at, w) in &periods {
            points.insert(*at, Regime::Weekly(*w));
        }
        let mut days = Vec::with_capacity(overrides.len());
        let mut day_starts = Vec::with_capacity(overrides.len());
        for (date, ranges) in &overrides {
            let start = date_nanos(*date)?;
            let end = start.saturating_add(DAY_NS);
            points.insert(end, Regime::Weekly(period_at(end)));
            day_starts.push(start);
            let raw = ranges.iter().map(|r| (r.start.nanos(), r.end.nanos())).collect();
            days.push(spans_with_prefix(raw));
        }
        for (i, start) in day_starts.into_iter().enumerate() {
            // A schedule change inside an exception day takes effect after it (the day's end picks its regime).
            let inside: Vec<i64> = points.range(start..start.saturating_add(DAY_NS)).map(|(at, _)| *at).collect();
            for at in inside {
                points.remove(&at);
            }
            points.insert(start, Regime::Day(i));
        }

        let mut compiled = Self {
            weeklies,
            days,
            pieces: Vec::new(),
            first_offset: 0,
            transitions: Vec::new(),
            transition_index: Vec::new(),
            piece_origin: i64::MAX,
            piece_index: Vec::new(),
        };
        let base_at = |c: &Self, regime: Regime, l: i64| match regime {
            Regime::Weekly(w) => c.weeklies.get(w).map_or(0, |p| p.base(l)),
            Regime::Day(_) => 0,
        };
        let first_regime = Regime::Weekly(period_at(MIN_LOCAL_NS));
        let f0 = base_at(&compiled, first_regime, MIN_LOCAL_NS);
        let mut pieces = vec![Piece { start: MIN_LOCAL_NS, f_start: f0, base_start: f0, regime: first_regime }];
        for (start, regime) in points.into_iter().filter(|(s, _)| *s > MIN_LOCAL_NS) {
            let f_start = pieces.last().map_or(0, |prev| compiled.f_in(prev, start));
            pieces.push(Piece { start, f_start, base_start: base_at(&compiled, regime, start), regime });
        }
        // Index the pieces after the first by buckets from the second piece's start to the last piece's start.
        compiled.piece_origin = pieces.get(1).map_or(i64::MAX, |p| p.start);
        if let Some(last) = pieces.last().filter(|_| pieces.len() > 1) {
            let buckets =
                usize::try_from(last.start.saturating_sub(compiled.piece_origin) >> BUCKET_SHIFT).unwrap_or(0);
            compiled.piece_index = (0..=buckets)
                .map(|b| {
                    let offset = i64::try_from(b).unwrap_or(i64::MAX).saturating_mul(1 << BUCKET_SHIFT);
                    let start = compiled.piece_origin.saturating_add(offset);
                    // The piece holding the bucket's start: the first candidate for any instant in the bucket.
                    let n = pieces.partition_point(|p| p.start <= start).saturating_sub(1);
                    u32::try_from(n).unwrap_or(u32::MAX)
                })
                .collect();
        }
        compiled.pieces = pieces;

        // Offset changes and their corrections.
        let (first_offset, raw) = zone_transitions(spec.zone);
        compiled.first_offset = first_offset;
        let mut correction = 0_i64;
        let mut prev_offset = first_offset;
        let mut transitions = Vec::with_capacity(raw.len());
        for (secs, offset) in raw {
            let at = secs.saturating_mul(NS_PER_SEC);
            let before = compiled.f(at.saturating_add(prev_offset));
            let after = compiled.f(at.saturating_add(offset));
            let g_at = before.saturating_add(correction);
            correction = correction.saturating_add(before.saturating_sub(after));
            transitions.push(Transition { at, offset, correction, g_at });
            prev_offset = offset;
        }
        // No offset changes are tabulated after SCAN_END_SECS: later instants fall back to a binary search.
        let scan_end = SCAN_END_SECS.saturating_mul(NS_PER_SEC);
        let buckets = usize::try_from(scan_end.saturating_sub(MIN_UTC_NS) >> BUCKET_SHIFT).unwrap_or(0);
        compiled.transition_index = (0..=buckets)
            .map(|b| {
                let start = MIN_UTC_NS.saturating_add(i64::try_from(b).unwrap_or(i64::MAX) << BUCKET_SHIFT);
                u32::try_from(transitions.partition_point(|tr| tr.at < start)).unwrap_or(u32::MAX)
            })
            .collect();
        compiled.transitions = transitions;
        Ok(compiled)
    }

    /// Cumulative open time at local time `l` within `piece`.
    fn f_in(&self, piece: &Piece, l: i64) -> i64 {
        match piece.regime {
            Regime::Weekly(w) => self
                .weeklies
                .get(w)
                .map_or(piece.f_start, |p| piece.f_start.saturating_add(p.base(l).saturating_sub(piece.base_start))),
            Regime::Day(d) => self.days.get(d).map_or(piece.f_start, |(spans, _)| {
                piece.f_start.saturating_add(measure(spans, l.saturating_sub(piece.start).min(DAY_NS)))
            }),
        }
    }

    /// Cumulative open time at local time `l` (nanoseconds since local 1970-01-01T00:00).
    fn f(&self, l: i64) -> i64 {
        let i = if l < self.piece_origin {
            // Only the first piece starts this early.
            1
        } else {
            // The bucket bounds which pieces can hold `l`; search only those.
            let bucket = usize::try_from(l.saturating_sub(self.piece_origin) >> BUCKET_SHIFT).unwrap_or(usize::MAX);
            match self.piece_index.get(bucket) {
                // Past the last bucket: every piece has started.
                None => self.pieces.len(),
                Some(&lo) => {
                    let lo = usize::try_from(lo).unwrap_or(0);
                    let hi = self
                        .piece_index
                        .get(bucket.saturating_add(1))
                        .map_or(self.pieces.len(), |&hi| usize::try_from(hi).unwrap_or(usize::MAX).saturating_add(1))
                        .min(self.pieces.len());
                    match self.pieces.get(lo..hi) {
                        Some(slice) => lo.saturating_add(slice.partition_point(|p| p.start <= l)),
                        None => self.pieces.partition_point(|p| p.start <= l),
                    }
                }
            }
        };
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(piece) => self.f_in(piece, l),
            None => 0,
        }
    }

    /// Earliest local time with `f(l) ≥ y`.
    fn f_inv(&self, y: i64) -> Option<i64> {
        let i = self.pieces.partition_point(|p| p.f_start < y);
        let piece = self.pieces.get(i.saturating_sub(1))?;
        match piece.regime {
            Regime::Weekly(w) => {
                let p = self.weeklies.get(w)?;
                let target = y.saturating_sub(piece.f_start).saturating_add(piece.base_start);
                p.base_inv(target)
            }
            Regime::Day(d) => {
                let (spans, total) = self.days.get(d)?;
                let want = y.saturating_sub(piece.f_start);
                if want > *total {
                    return None;
                }
                measure_inv(spans, want).map(|x| piece.start.saturating_add(x))
            }
        }
    }

    /// Index of the offset segment holding UTC `t`: the number of changes at or before `t`.
    fn segment(&self, t: i64) -> usize {
        // Start from the bucket's first change and step over the (at most two) changes inside the bucket.
        let bucket = usize::try_from(t.saturating_sub(MIN_UTC_NS) >> BUCKET_SHIFT).unwrap_or(usize::MAX);
        match self.transition_index.get(bucket) {
            Some(&first) => {
                let mut k = usize::try_from(first).unwrap_or(usize::MAX);
                while self.transitions.get(k).is_some_and(|tr| tr.at <= t) {
                    k = k.saturating_add(1);
                }
                k
            }
            None => self.transitions.partition_point(|tr| tr.at <= t),
        }
    }

    fn segment_offset(&self, k: usize) -> (i64, i64) {
        match k.checked_sub(1).and_then(|k| self.transitions.get(k)) {
            Some(tr) => (tr.offset, tr.correction),
            None => (self.first_offset, 0),
        }
    }

    /// The business-time function of UTC `t`: `between(a, b) = g(b) − g(a)`.
    pub(super) fn g(&self, t: i64) -> i64 {
        let (offset, correction) = self.segment_offset(self.segment(t));
        self.f(t.saturating_add(offset)).saturating_add(correction)
    }

    /// Earliest UTC `u ≥ t` with `g(u) − g(t) = d`, for `d > 0`.
    pub(super) fn add(&self, t: i64, d: i64) -> Option<i64> {
        let target = self.g(t).checked_add(d)?;
        self.reach(self.segment(t), target).map(|u| u.max(t))
    }

    /// Latest UTC `s ≤ t` with `g(t) − g(s) = d`, for `d > 0`: one nanosecond before the earliest instant whose
    /// business clock passes `g(t) − d`. `None` when the clock never stood that low (before the supported range).
    pub(super) fn sub(&self, t: i64, d: i64) -> Option<i64> {
        let target = self.g(t).checked_sub(d)?;
        if target < self.g(MIN_UTC_NS) {
            return None;
        }
        let u = self.reach(0, target.checked_add(1)?)?;
        Some(u.saturating_sub(1).clamp(MIN_UTC_NS, t))
    }

    /// Earliest UTC instant, in offset segment `k0` or later, with `g ≥ target`.
    fn reach(&self, k0: usize, target: i64) -> Option<i64> {
        let rest = self.transitions.get(k0..)?;
        let k = k0.saturating_add(rest.partition_point(|tr| tr.g_at < target));
        let (offset, correction) = self.segment_offset(k);
        let local = self.f_inv(target.saturating_sub(correction))?;
        Some(local.saturating_sub(offset))
    }
}
