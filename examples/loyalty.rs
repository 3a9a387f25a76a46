//! A café's loyalty program, end to end: earn on purchases, pending points, tiers, a birthday bonus, a redemption,
//! a return with clawback, a refund, and expiry — printing what happens and why.
//!
//! Run with `cargo run --example loyalty`.

use chrono::{DateTime, TimeZone, Utc};
use customer_care::host::{Host, ManualClock, MemoryStore, SubmitError};
use customer_care::ledger::LineId;
use customer_care::loyalty::{
    BonusReason, ClawbackPolicy, ExpiredRefundPolicy, ExpiryPolicy, LoyaltyProgram, Points, PointsAccount,
    PointsCommand, PointsEvent, ProgramSpec, PurchaseLine, Tier, TierMetric, TierName, TierRules, TierWindow,
};
use customer_care::rust_decimal::Decimal;
use customer_care::{AccountId, CommandId, Currency, Money, OrderId, Rounding};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn vnd(amount: i64) -> Money {
    Money::from_minor(amount, Currency::VND)
}

/// The café: 1 point per 10,000 VND, points pending for 7 days (the return window), usable for 12 months
/// (month-end clamped), 1 point = 100 VND, at most half an order paid with points, three tiers on points earned in
/// the last 12 months.
fn cafe_program() -> Result<LoyaltyProgram> {
    let zone = chrono_tz::Asia::Ho_Chi_Minh;
    let tiers = TierRules::new(
        TierMetric::PointsEarned,
        TierWindow::RollingMonths { months: 12 },
        vec![
            Tier::new(TierName::new("member")?),
            Tier::new(TierName::new("silver")?)
                .threshold_points(Points::new(300))
                .earn_multiplier(Decimal::new(125, 2))
                .discount_percent(5),
            Tier::new(TierName::new("gold")?)
                .threshold_points(Points::new(1_000))
                .earn_multiplier(Decimal::new(15, 1))
                .discount_percent(10),
        ],
    )
    .grace_days(30);
    let mut spec = ProgramSpec::new(zone, vnd(10_000), 1)
        .redeem(Points::new(1), vnd(100))
        .pending_days(7)
        .expiry(ExpiryPolicy::RollingMonths { months: 12 })
        .clawback(ClawbackPolicy::AllowDebt { max_debt: Points::new(100) })
        .tiers(tiers);
    spec.redemption.max_share = Decimal::new(5, 1);
    spec.redemption.min_points = Points::new(50);
    spec.redemption.rounding = Rounding::Floor;
    spec.expired_refund = ExpiredRefundPolicy::Grace { days: 30 };
    Ok(LoyaltyProgram::new(spec)?)
}

/// The café's host: the crate's host loop over an in-memory store, with a clock the example sets per event.
struct Cafe {
    host: Host<MemoryStore, ManualClock>,
    program: LoyaltyProgram,
    account: PointsAccount,
    next_id: u128,
}

impl Cafe {
    fn submit(&mut self, at: DateTime<Utc>, what: &str, body: PointsCommand) -> Result<()> {
        self.next_id += 1;
        self.host.clock_mut().set(at);
        println!("\n{} — {what}", at.with_timezone(&self.program.zone()).format("%Y-%m-%d %H:%M"));
        match self.host.submit(&mut self.account, &self.program, CommandId::from_u128(self.next_id)?, body) {
            Ok(submitted) => {
                for event in submitted.events() {
                    println!("    {}", describe(event));
                }
            }
            Err(SubmitError::Rejected(error)) => println!("    rejected: {error}"),
            Err(other) => return Err(other.into()),
        }
        println!(
            "    balance: {} available, {} pending, {} owed; tier {}",
            self.account.points_available(),
            self.account.points_pending(),
            self.account.points_owed(),
            self.account.tier().map_or_else(|| "-".to_owned(), |t| t.to_string())
        );
        Ok(())
    }
}

fn describe(event: &PointsEvent) -> String {
    match event {
        PointsEvent::PointsEarned { order, spent, points, remainder, credit, .. } => format!(
            "earned {points} points on {order} ({spent}), {remainder} carried{}",
            credit
                .as_ref()
                .and_then(|c| c.activates_at)
                .map(|a| format!(", spendable from {}", a.format("%Y-%m-%d")))
                .unwrap_or_default()
        ),
        PointsEvent::BonusAwarded { reason, credit } => format!("bonus of {} points ({reason:?})", credit.amount),
        PointsEvent::PointsRedeemed { order, points, value, allocations } => {
            format!("redeemed {points} points worth {value} on {order}, from lots {:?}", lots(allocations))
        }
        PointsEvent::LotActivated { lot, points } => format!("{points} points of lot {lot} became spendable"),
        PointsEvent::LotExpired { lot, points } => format!("{points} points of lot {lot} expired"),
        PointsEvent::PointsClawedBack { order, points, allocations, debt, forgiven, .. } => format!(
            "return of {order}: {points} points earned on it, {} taken back from lots {:?}, {debt} owed, {forgiven} forgiven",
            allocations.iter().map(|a| a.amount.get()).sum::<i64>(),
            lots(allocations)
        ),
        PointsEvent::DebtRepaid { allocations } => {
            format!("repaid {} points of debt first", allocations.iter().map(|a| a.amount.get()).sum::<i64>())
        }
        PointsEvent::RedemptionRefunded { order, points, restored, .. } => {
            format!("refund of {order}: {points} points back into lots {:?}", lots(restored))
        }
        PointsEvent::TierEvaluated { from, to, reason, metric, .. } => {
            format!(
                "tier {reason:?}: {} → {to} ({metric} qualifying points)",
                from.map_or_else(|| "-".to_owned(), |t| t.to_string())
            )
        }
        other => format!("{other:?}"),
    }
}

fn lots(allocations: &[customer_care::ledger::Allocation<Points>]) -> Vec<String> {
    allocations.iter().map(|a| format!("{}:{}", a.lot, a.amount)).collect()
}

fn purchase(order: &str, amounts: &[i64]) -> Result<PointsCommand> {
    Ok(PointsCommand::EarnPoints {
        order: OrderId::new(order)?,
        lines: amounts
            .iter()
            .zip(1..)
            .map(|(a, n)| PurchaseLine { line: LineId::new(n), amount: vnd(*a), tags: vec![] })
            .collect(),
    })
}

fn main() -> Result<()> {
    let local =
        |y, m, d, h| chrono_tz::Asia::Ho_Chi_Minh.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc);
    let mut cafe = Cafe {
        host: Host::new(MemoryStore::default(), ManualClock::new(local(2026, 1, 31, 8))),
        program: cafe_program()?,
        account: PointsAccount::new(AccountId::from_u128(42)?),
        next_id: 0,
    };
    cafe.submit(local(2026, 1, 31, 8), "two cà phê sữa đá and a bánh mì", purchase("HD-001", &[58_000, 35_000])?)?;
    cafe.submit(local(2026, 2, 2, 8), "catering order", purchase("HD-002", &[2_450_000, 600_000])?)?;
    cafe.submit(
        local(2026, 2, 3, 9),
        "birthday bonus",
        PointsCommand::AwardBonus { points: Points::new(100), reason: BonusReason::Birthday, expires_at: None },
    )?;
    cafe.submit(
        local(2026, 2, 10, 8),
        "redeem 700 points on a 120,000 VND order",
        PointsCommand::RedeemPoints {
            order: OrderId::new("HD-003")?,
            points: Points::new(700),
            order_total: vnd(120_000),
        },
    )?;
    let quote = cafe.account.quote_redemption(&cafe.program, vnd(120_000), local(2026, 2, 10, 8))?;
    println!("    quote: at most {} points, worth {}, on a 120,000 VND order", quote.points, quote.value);
    cafe.submit(
        local(2026, 2, 10, 8),
        "redeem 260 points on a 120,000 VND order",
        PointsCommand::RedeemPoints {
            order: OrderId::new("HD-003")?,
            points: Points::new(260),
            order_total: vnd(120_000),
        },
    )?;
    cafe.submit(
        local(2026, 2, 12, 10),
        "the catering order comes back (one line)",
        PointsCommand::ReturnPurchase { order: OrderId::new("HD-002")?, lines: Some(vec![LineId::new(1)]) },
    )?;
    cafe.submit(
        local(2026, 2, 13, 10),
        "HD-003 refunded",
        PointsCommand::RefundRedemption { order: OrderId::new("HD-003")?, points: None },
    )?;
    let price = cafe.account.tier_price(&cafe.program, vnd(45_000), Rounding::HalfUp)?;
    println!("\na 45,000 VND drink costs this customer {price}");
    if let Some(progress) = cafe.account.tier_progress(&cafe.program, local(2026, 2, 13, 10)) {
        println!(
            "tier {}: {} qualifying points, {} more for {}",
            progress.tier,
            progress.metric,
            progress.needed_for_next,
            progress.next_tier.map_or_else(|| "-".to_owned(), |t| t.to_string())
        );
    }
    // A year later nothing happened in between: one command processes everything due, as a sweep on time would.
    cafe.submit(local(2027, 3, 15, 9), "a year later: process what is due", PointsCommand::ProcessDue)?;

    println!("\nwhere did the points go?");
    let explanation = cafe.account.explain();
    for lot in &explanation.lots {
        println!(
            "    lot {} ({}): credited {}, remaining {}, spent {}, expired {}, clawed back {}",
            lot.id(),
            lot.category(),
            lot.credited(),
            lot.remaining(),
            lot.debited(),
            lot.expired(),
            lot.clawed_back()
        );
    }
    cafe.account.check_invariants()?;
    let replayed = cafe.host.load(PointsAccount::new(cafe.account.id()))?;
    assert_eq!(replayed, cafe.account);
    println!("\n{} commits replay to the same account; invariants hold", replayed.version());
    Ok(())
}
