//! JSON decoding of every public serializable type: the first byte picks the type, the rest is decoded with
//! serde_json. Decoding never panics; whatever decodes re-encodes, decodes again to an equal value, and encodes to
//! the same text (deserializing runs the same validation as constructing, so a decoded value is a valid one).
//!
//! The last choices are the versioned decode of stored commits and snapshots (`customer_care::wire`) for each
//! aggregate: whatever format the bytes claim, it never panics, and what it reads (upcast to the current format)
//! encodes to JSON that plain serde and the versioned decode both read back to the same value.

#![no_main]

use std::fmt::Debug;

use customer_care as cc;
use customer_care::{
    Aggregate, calendar, care, customer, error, host, id, ledger, lifecycle, locale, loyalty, metrics, money,
    service, stats, stream, wallet, wire,
};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(bytes: &[u8]) {
    let Ok(value) = serde_json::from_slice::<T>(bytes) else { return };
    let json = serde_json::to_string(&value).unwrap_or_else(|e| panic!("a decoded value does not encode: {e}"));
    let back: T =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("an encoded value does not decode: {e}\n{json}"));
    assert_eq!(back, value, "decode(encode(x)) == x\n{json}");
    let again = serde_json::to_string(&back).unwrap_or_else(|e| panic!("a decoded value does not encode: {e}"));
    assert_eq!(again, json, "encoding is stable");
}

/// The versioned decode of aggregate `A`'s commits (`snapshot == false`) or snapshots.
fn versioned<A>(snapshot: bool, bytes: &[u8])
where
    A: Aggregate + wire::Upcast + Serialize + DeserializeOwned + PartialEq + Debug,
    A::Command: Serialize + DeserializeOwned + PartialEq + Debug,
    A::Event: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    if snapshot {
        let Ok(Some(state)) = wire::decode_snapshot::<A>(text) else { return };
        let json = serde_json::to_string(&state).unwrap_or_else(|e| panic!("a decoded snapshot does not encode: {e}"));
        let plain: A = serde_json::from_str(&json).unwrap_or_else(|e| panic!("plain serde refuses it: {e}\n{json}"));
        assert_eq!(plain, state, "{json}");
        assert_eq!(wire::decode_snapshot::<A>(&json).ok().flatten().as_ref(), Some(&state), "{json}");
    } else {
        let Ok(commit) = wire::decode_commit::<A>(text) else { return };
        let json = serde_json::to_string(&commit).unwrap_or_else(|e| panic!("a decoded commit does not encode: {e}"));
        let plain: stream::Commit<A::Command, A::Event> =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("plain serde refuses it: {e}\n{json}"));
        assert_eq!(plain, commit, "{json}");
        assert_eq!(wire::decode_commit::<A>(&json).ok().as_ref(), Some(&commit), "{json}");
    }
}

/// How many choices the versioned decode adds after the types.
const VERSIONED: usize = 6;

fn decode_versioned(which: usize, bytes: &[u8]) {
    match which {
        0 => versioned::<customer::Customer>(false, bytes),
        1 => versioned::<customer::Customer>(true, bytes),
        2 => versioned::<loyalty::PointsAccount>(false, bytes),
        3 => versioned::<loyalty::PointsAccount>(true, bytes),
        4 => versioned::<wallet::StoredValueAccount>(false, bytes),
        _ => versioned::<wallet::StoredValueAccount>(true, bytes),
    }
}

macro_rules! types {
    ($($t:ty),* $(,)?) => {
        /// How many types the first byte chooses from.
        const TYPES: usize = [$(stringify!($t)),*].len();

        fn decode(which: usize, bytes: &[u8]) {
            let mut i = 0usize;
            $(
                if which == i {
                    return round_trip::<$t>(bytes);
                }
                i += 1;
            )*
            let _ = i;
        }
    };
}

type P = loyalty::Points;
type M = money::Money;

types!(
    // money, ids, errors
    money::Money, money::Currency, money::Rounding, money::MoneyError,
    id::CustomerId, id::AccountId, id::CommandId, id::HoldId, id::OrderId, id::StoreId, id::PaymentRef, id::IdKind,
    id::IdError, error::Error,
    // the envelope
    stream::StreamError, stream::BatchError<loyalty::LoyaltyError>, stream::StreamState<customer::CustomerCommand>,
    stream::Command<customer::CustomerCommand>, stream::Command<loyalty::PointsCommand>, stream::Command<wallet::WalletCommand>,
    stream::Commit<customer::CustomerCommand, customer::CustomerEvent>,
    stream::Commit<loyalty::PointsCommand, loyalty::PointsEvent>,
    stream::Commit<wallet::WalletCommand, wallet::WalletEvent>,
    stream::Decision<loyalty::PointsCommand, loyalty::PointsEvent>,
    host::AppendError<String>,
    // calendar
    calendar::BusinessCalendar, calendar::CalendarError, calendar::ClockTime, calendar::Shift, calendar::TimeRange,
    calendar::WeeklyHours,
    // care
    care::CareEvent, care::DedupKey, care::CareKind, care::Locale, care::CareError, care::CareAction, care::CarePlan,
    care::CareWindow, care::Deferral, care::Refusal, care::SkipReason, care::SkippedCare, care::CarePolicy,
    care::CarePolicySpec, care::FrequencyCap, care::KindPolicy, care::SendAt, care::Step, care::Threshold,
    care::SmsEncoding, care::SmsLength, care::PointsFacts, care::ResolvedTicket, care::StageFacts,
    care::StoredValueFacts, care::Placeholder, care::Template, care::TemplateEntry, care::TemplateSet,
    // customer
    customer::Customer, customer::CustomerCommand, customer::CustomerEvent, customer::CustomerStatus,
    customer::Channel, customer::ConsentRecord, customer::ConsentSource, customer::Consents, customer::Purpose,
    customer::AnnualDate, customer::LeapDayPolicy, customer::Occasion, customer::OccasionKind,
    customer::OccasionLabel, customer::OccasionWindow, customer::EmailAddress, customer::DuplicateGroup,
    customer::MatchKey, customer::Change<customer::PersonName>, customer::ContactKind, customer::CustomerError,
    customer::PersonName, customer::phone::LegacyVietnamesePrefix, customer::phone::ParseOptions,
    customer::PhoneError, customer::phone::PhoneKind, customer::PhoneNumber, customer::Region, customer::Language,
    customer::Preferences, customer::PreferencesPatch, customer::QuietHours, customer::Tag, customer::Profile,
    customer::ProfilePatch, customer::ActivitySummary, customer::CurrencySpend, customer::Purchase,
    customer::PurchaseEntry, customer::Refund, customer::SalesChannel,
    // ledger
    ledger::Explanation<P>, ledger::Ledger<P>, ledger::Ledger<M>, ledger::UpcomingExpiry<M>, ledger::Allocation<P>,
    ledger::AllocationPolicy, ledger::Credit<M>, ledger::Hold<P>, ledger::HoldPlacement<M>, ledger::HoldStatus,
    ledger::InvariantViolation, ledger::LabelError, ledger::LedgerError<P>, ledger::LedgerError<M>, ledger::LineId,
    ledger::Lot<M>, ledger::LotId, ledger::Origin, ledger::ParseLotIdError, ledger::Totals<P>, ledger::Category,
    ledger::Tag,
    // lifecycle
    lifecycle::LifecycleError, lifecycle::Span, lifecycle::TimeUnit, lifecycle::Convergence, lifecycle::Estimate,
    lifecycle::FitOptions, lifecycle::FitReport, lifecycle::ParetoNbd, lifecycle::BgNbd, lifecycle::ModifiedBgNbd,
    lifecycle::Prediction, lifecycle::RfmInput, lifecycle::RfmScore, lifecycle::RfmScorer, lifecycle::SegmentMap,
    lifecycle::SegmentRule, lifecycle::TiePolicy, lifecycle::ClvSettings, lifecycle::GammaGamma,
    lifecycle::Activity, lifecycle::Classification, lifecycle::LifecyclePolicy, lifecycle::PolicyConfig,
    lifecycle::Reason, lifecycle::Stage, lifecycle::StageSince, lifecycle::CustomerSummary,
    lifecycle::FitData, lifecycle::Holdout<String>, lifecycle::Pattern, lifecycle::Purchase<String>,
    lifecycle::Summaries<String>,
    // loyalty
    loyalty::BonusReason, loyalty::LinePoints, loyalty::PointsAccount, loyalty::PointsCommand,
    loyalty::PointsEvent, loyalty::PurchaseLine, loyalty::Recredit, loyalty::TierProgress,
    loyalty::TierReason, loyalty::LoyaltyError, loyalty::Points, loyalty::Campaign, loyalty::Cap,
    loyalty::CapBehaviour, loyalty::ClawbackPolicy, loyalty::EarnRate, loyalty::EarnRules,
    loyalty::ExpiredRefundPolicy, loyalty::ExpiryPolicy, loyalty::LoyaltyProgram, loyalty::Period,
    loyalty::PeriodCap, loyalty::ProgramSpec, loyalty::RedemptionRate, loyalty::RedemptionRules,
    loyalty::TagRule, loyalty::Tier, loyalty::TierMetric, loyalty::TierName, loyalty::TierRules,
    loyalty::TierWindow,
    // metrics
    metrics::Period, metrics::TimeBucket, metrics::MetricsError, metrics::Label, metrics::Response<metrics::NpsScore>,
    metrics::Response<metrics::CsatScore>, metrics::Weight, metrics::CesScale, metrics::CsatScale,
    metrics::Direction, metrics::NpsCategory, metrics::NpsScale, metrics::NpsScore, metrics::Scale,
    metrics::CsatScore, metrics::CesScore, metrics::NpsTally, metrics::CsatTally, metrics::CesTally,
    metrics::Breakdown<metrics::Label, metrics::NpsScore>, metrics::Breakdown<metrics::TimeBucket, metrics::CesScore>,
    // service
    service::churn::ChurnCounts, service::churn::CohortMember, service::churn::CohortRow,
    service::churn::CohortTable, service::churn::RevenueMovements, service::experience::ExperienceEvent,
    service::experience::ExperienceSignal, service::experience::PoorExperiencePolicy,
    service::experience::PoorExperienceStreak, service::Elapsed, service::FrtStart, service::HandleTime,
    service::MetricsConfig, service::TicketMetrics, service::ServiceError, service::TicketId, service::AgentId,
    service::TeamId, service::DurationSummary, service::ElapsedSummary, service::FcrDefinition,
    service::FcrOutcome, service::FcrSummary, service::GroupBy, service::GroupKey, service::GroupReport,
    service::PercentilePoint, service::ReportConfig, service::ServiceLevelConfig, service::ServiceLevelMethod,
    service::ServiceReport, service::SlaAchievement, service::SyncSummary, service::SlaClock, service::SlaMeasure,
    service::SlaMetric, service::SlaPolicy, service::SlaRule, service::SlaStatus, service::AuthorKind,
    service::CallSegment, service::Channel, service::Priority, service::Status, service::Ticket,
    service::TicketEvent, service::TicketEventKind, service::Visibility,
    // stats
    stats::Adjustment, stats::Comparison, stats::TestMethod, stats::Bound, stats::Estimate, stats::Interval,
    stats::Method, stats::Warning, stats::MeanSample, stats::StatsError, stats::ConfidenceLevel,
    stats::percentile::PercentileError, stats::percentile::PercentileMethod, stats::percentile::Sample,
    stats::NetMethod, stats::NetSample, stats::ProportionMethod, stats::ProportionSample,
    // wallet
    wallet::Bucket, wallet::IssueKind, wallet::Receipt, wallet::ReceiptLine, wallet::StoredValueAccount,
    wallet::TopUpRecord, wallet::WalletCommand, wallet::WalletEvent, wallet::WalletError, wallet::Bonus,
    wallet::BonusExpiry, wallet::BonusTier, wallet::SpendOrder, wallet::StoredValueProgram,
    wallet::StoredValueSpec, wallet::LiabilityReport,
    // labels, receipts, the stored-format errors
    locale::DisplayName, loyalty::PointsReceipt, wire::WireError,
    // re-exports at the root are the same types; one spelled that way keeps the list honest
    cc::CustomerId,
);

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let choices = TYPES + VERSIONED;
    // Two bytes choose when the list outgrows one.
    let (which, rest) = if choices > 256 {
        match rest.split_first() {
            Some((&second, rest)) => ((usize::from(first) << 8 | usize::from(second)) % choices, rest),
            None => return,
        }
    } else {
        (usize::from(first) % choices, rest)
    };
    match which.checked_sub(TYPES) {
        Some(versioned) => decode_versioned(versioned, rest),
        None => decode(which, rest),
    }
});
