//! `PointsAccount::decide` and `apply` under an arbitrary (valid) loyalty program, on arbitrary command sequences
//! at arbitrary instants: no panic, a rejected command changes nothing, replay (generic and
//! `PointsAccount::replay`) and JSON snapshots equal the live account, and the ledger's invariants hold.

#![no_main]

use arbitrary::{Result, Unstructured};
use chrono::{DateTime, Utc};
use customer_care::ledger::{AllocationPolicy, LineId, Tag};
use customer_care::loyalty::{
    BonusReason, Campaign, Cap, CapBehaviour, ClawbackPolicy, EarnRate, ExpiredRefundPolicy, ExpiryPolicy, ExpiryStart,
    Period, PeriodCap, ProgramSpec, PurchaseLine, TagRule, Tier, TierMetric, TierName, TierRules, TierWindow,
};
use customer_care::{
    AccountId, Command, HoldId, LoyaltyProgram, Money, OrderId, Points, PointsAccount, PointsCommand, Rounding,
};
use fuzz_support::{Ids, check_aggregate, currency, instant, money, small_u128, step, zone};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

fn decimal(u: &mut Unstructured<'_>) -> Result<Decimal> {
    // Mostly simple rates (0.5, 1, 1.5, 3, 0.333), sometimes anything.
    Ok(match u.int_in_range(0..=5u8)? {
        0 => Decimal::new(u.int_in_range(0..=40)?, 1),
        1 => Decimal::new(u.int_in_range(1..=3)?, 0),
        2 => Decimal::new(u.int_in_range(1..=1000)?, 3),
        3 => Decimal::from_i128_with_scale(u.arbitrary::<i64>()?.into(), u.int_in_range(0..=28)?),
        _ => Decimal::ONE,
    })
}

fn points(u: &mut Unstructured<'_>) -> Result<Points> {
    Ok(Points::new(match u.int_in_range(0..=7u8)? {
        0 => u.arbitrary()?,
        1 => -u.int_in_range(1..=100)?,
        _ => u.int_in_range(0..=500)?,
    }))
}

fn tag(u: &mut Unstructured<'_>) -> Result<Tag> {
    Ok(Tag::new(u.choose(&["coffee", "merch", "tea"])?).expect("valid tag"))
}

fn tags(u: &mut Unstructured<'_>) -> Result<Vec<Tag>> {
    let n = u.int_in_range(0..=2)?;
    (0..n).map(|_| tag(u)).collect()
}

fn period(u: &mut Unstructured<'_>) -> Result<Period> {
    Ok(*u.choose(&[Period::Month, Period::Quarter, Period::Year])?)
}

fn small_u32(u: &mut Unstructured<'_>) -> Result<u32> {
    Ok(if u.ratio(1, 8)? { u.arbitrary()? } else { u.int_in_range(0..=40)? })
}

/// A program from arbitrary settings; when they do not validate, the plain 1-point-per-unit program.
fn program(u: &mut Unstructured<'_>) -> Result<LoyaltyProgram> {
    let c = currency(u)?;
    let unit = |n: i64| Money::from_minor(n, c);
    let mut s = ProgramSpec::new(zone(u)?, unit(100), Decimal::ONE).redeem(Points::new(100), unit(100));
    let fallback = s.clone();
    if u.arbitrary()? {
        s.earn.rates = vec![EarnRate { per: money(u, c)?, points: decimal(u)?, min_spend: None }];
        if u.arbitrary()? {
            s.earn.rates[0].min_spend = Some(money(u, c)?);
        }
    }
    if u.arbitrary()? {
        s.earn.per_order = points(u)?;
    }
    if u.arbitrary()? {
        s.earn.tag_rules = vec![TagRule { tag: tag(u)?, multiplier: decimal(u)?, points_per_line: points(u)? }];
    }
    if u.arbitrary()? {
        s.earn.campaigns = vec![Campaign {
            name: "double".into(),
            display_name: None,
            starts_at: instant(u)?,
            ends_at: instant(u)?,
            multiplier: decimal(u)?,
        }];
    }
    let behaviour = |u: &mut Unstructured<'_>| -> Result<CapBehaviour> {
        Ok(*u.choose(&[CapBehaviour::Cap, CapBehaviour::Reject])?)
    };
    if u.arbitrary()? {
        s.earn.cap_per_order = Some(Cap { max: points(u)?, behaviour: behaviour(u)? });
    }
    if u.arbitrary()? {
        s.earn.cap_per_period = Some(PeriodCap { max: points(u)?, period: period(u)?, behaviour: behaviour(u)? });
    }
    s.pending_days = if u.arbitrary()? { small_u32(u)? } else { 0 };
    s.expiry = match u.int_in_range(0..=5u8)? {
        0 => ExpiryPolicy::Never,
        1 => ExpiryPolicy::RollingDays { days: small_u32(u)? },
        2 => ExpiryPolicy::RollingMonths { months: small_u32(u)? },
        3 => ExpiryPolicy::EndOfPeriod { period: period(u)?, periods_after: small_u32(u)? },
        4 => ExpiryPolicy::FixedDate { month: u.int_in_range(0..=13)?, day: u.int_in_range(0..=32)? },
        _ => ExpiryPolicy::Inactivity { months: small_u32(u)? },
    };
    s.expiry_from = if u.arbitrary()? { ExpiryStart::Activation } else { ExpiryStart::Earn };
    if u.arbitrary()? {
        s.redemption.rates[0].points = points(u)?;
        s.redemption.rates[0].value = money(u, c)?;
        s.redemption.min_points = points(u)?;
        s.redemption.max_share = decimal(u)?;
        s.redemption.rounding =
            *u.choose(&[Rounding::Floor, Rounding::HalfUp, Rounding::HalfEven, Rounding::Ceiling])?;
    }
    if u.arbitrary()? {
        let name = |n: &str| TierName::new(n).expect("valid tier name");
        let tier = |u: &mut Unstructured<'_>, n: &str, threshold: i64| -> Result<Tier> {
            Ok(Tier {
                name: name(n),
                display_name: None,
                threshold: Decimal::from(threshold),
                earn_multiplier: decimal(u)?,
                discount_percent: Decimal::new(u.int_in_range(0..=100)?, 0),
            })
        };
        let metric = if u.arbitrary()? { TierMetric::PointsEarned } else { TierMetric::AmountSpent { currency: c } };
        let window =
            if u.arbitrary()? { TierWindow::CalendarYear } else { TierWindow::RollingMonths { months: small_u32(u)? } };
        let t1 = u.int_in_range(0..=2000)?;
        let tiers = vec![tier(u, "member", 0)?, tier(u, "silver", t1)?, tier(u, "gold", t1 * 3)?];
        let floor = if u.arbitrary()? { Some(name(u.choose(&["member", "silver", "gold"])?)) } else { None };
        s.tiers = Some(TierRules { metric, window, tiers, grace_days: small_u32(u)?, floor });
    }
    s.clawback = match u.int_in_range(0..=3u8)? {
        0 => ClawbackPolicy::Keep,
        1 => ClawbackPolicy::PendingOnly,
        2 => ClawbackPolicy::WithinBalance,
        _ => ClawbackPolicy::AllowDebt { max_debt: points(u)? },
    };
    s.expired_refund = match u.int_in_range(0..=2u8)? {
        0 => ExpiredRefundPolicy::Forfeit,
        1 => ExpiredRefundPolicy::Grace { days: small_u32(u)? },
        _ => ExpiredRefundPolicy::FreshExpiry,
    };
    s.allocation = match u.int_in_range(0..=2u8)? {
        0 => AllocationPolicy::SoonestExpiring,
        1 => AllocationPolicy::Fifo,
        _ => AllocationPolicy::Lifo,
    };
    Ok(LoyaltyProgram::new(s).or_else(|_| LoyaltyProgram::new(fallback)).expect("the plain program is valid"))
}

fn order(u: &mut Unstructured<'_>) -> Result<OrderId> {
    Ok(OrderId::new(&format!("HD-{}", small_u128(u, 6)?)).expect("valid order id"))
}

fn hold(u: &mut Unstructured<'_>) -> Result<HoldId> {
    Ok(HoldId::from_u128(small_u128(u, 3)?).expect("non-nil"))
}

fn maybe_instant(u: &mut Unstructured<'_>, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    Ok(if u.arbitrary()? { Some(step(u, at)?) } else { None })
}

fn body(u: &mut Unstructured<'_>, program: &LoyaltyProgram, at: DateTime<Utc>) -> Result<PointsCommand> {
    let c = program.spec().earn.rates.first().map(|r| r.per.currency());
    let c = match c {
        Some(c) if u.ratio(7, 8)? => c,
        _ => currency(u)?,
    };
    Ok(match u.int_in_range(0..=12u8)? {
        0..=2 => {
            let n = u.int_in_range(1..=3u32)?;
            let mut lines = Vec::new();
            for i in 1..=n {
                let line = LineId::new(if u.ratio(1, 8)? { 1 } else { i });
                lines.push(PurchaseLine { line, amount: money(u, c)?, tags: tags(u)? });
            }
            PointsCommand::EarnPoints { order: order(u)?, lines }
        }
        3 => PointsCommand::AwardBonus {
            points: points(u)?,
            reason: BonusReason::Birthday,
            expires_at: maybe_instant(u, at)?,
        },
        4 | 5 => PointsCommand::RedeemPoints { order: order(u)?, points: points(u)?, order_total: money(u, c)? },
        6 => PointsCommand::PlaceHold {
            hold: hold(u)?,
            points: points(u)?,
            order: if u.arbitrary()? { Some(order(u)?) } else { None },
            expires_at: maybe_instant(u, at)?,
        },
        7 => PointsCommand::CaptureHold { hold: hold(u)?, points: points(u)?, final_capture: u.arbitrary()? },
        8 => PointsCommand::ReleaseHold { hold: hold(u)? },
        9 => PointsCommand::AdjustPoints { points: points(u)?, reason: "fix".into(), actor: "ops".into() },
        10 => PointsCommand::ReturnPurchase {
            order: order(u)?,
            lines: if u.arbitrary()? { Some(vec![LineId::new(u.int_in_range(0..=4)?)]) } else { None },
        },
        11 => PointsCommand::RefundRedemption {
            order: order(u)?,
            points: if u.arbitrary()? { Some(points(u)?) } else { None },
        },
        _ => {
            if u.arbitrary()? {
                PointsCommand::ProcessDue
            } else {
                PointsCommand::ReevaluateTier
            }
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((program, commands)) = (|| -> Result<_> {
        let program = program(&mut u)?;
        let mut ids = Ids::default();
        let mut at = instant(&mut u)?;
        let mut out = Vec::new();
        while !u.is_empty() && out.len() < 64 {
            at = step(&mut u, at)?;
            let id = ids.next(&mut u)?;
            out.push(Command::new(id, at, body(&mut u, &program, at)?));
        }
        Ok((program, out))
    })() else {
        return;
    };
    let initial = PointsAccount::new(AccountId::from_u128(7).expect("non-nil"));
    let live = check_aggregate(&initial, &program, &commands, |a, log| PointsAccount::replay(a, log));
    live.check_invariants().expect("ledger invariants hold");
    // Queries over the result never panic, at any instant.
    let _ = live.explain();
    let _ = live.next_deadline();
    if let Some(last) = commands.last() {
        let _ = live.tier_progress(&program, last.issued_at);
    }
});
