//! A café's loyalty program, end to end: earn on purchases, pending points, tiers, a birthday bonus, a redemption,
//! a return with clawback, a refund, and expiry — printing what happens and why.
//!
//! Run with `cargo run --example loyalty`.

use chrono::{DateTime, TimeZone, Utc};
use customer_care::ledger::LineId;
use customer_care::loyalty::{
    BonusReason, ClawbackPolicy, ExpiredRefundPolicy, ExpiryPolicy, LoyaltyProgram, Points, PointsAccount,
    PointsCommand, PointsEvent, ProgramSpec, PurchaseLine, Tier, TierMetric, TierName, TierRules, TierWindow,
};
use customer_care::{AccountId, Command, CommandId, Currency, Decision, Money, OrderId, Rounding};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn vnd(amount: i64) -> Money {
    Money::from_minor(amount, Currency::VND)
}

/// The café: 1 point per 10,000 VND, points pending for 7 days (the return window), usable for 12 months
/// (month-end clamped), 1 point = 100 VND, at most half an order paid with points, three tiers on points earned in
/// the last 12 months.
fn cafe_program() -> Result<LoyaltyProgram> {
    let zone = chrono_tz::Asia::Ho_Chi_Minh;
    let mut spec = ProgramSpec::new(zone, vnd(10_000), "1".parse()?, Points::new(1), vnd(100));
    spec.pending_days = 7;
    spec.expiry = ExpiryPolicy::RollingMonths { months: 12 };
    spec.redemption.max_share = "0.5".parse()?;
    spec.redemption.min_points = Points::new(50);
    spec.redemption.rounding = Rounding::Floor;
    spec.clawback = ClawbackPolicy::AllowDebt { max_debt: Points::new(100) };
    spec.expired_refund = ExpiredRefundPolicy::Grace { days: 30 };
    let tier = |name: &str, threshold: &str, multiplier: &str, discount: &str| -> Result<Tier> {
        Ok(Tier {
            name: TierName::new(name)?,
            display_name: None,
            threshold: threshold.parse()?,
            earn_multiplier: multiplier.parse()?,
            discount_percent: discount.parse()?,
        })
    };
    spec.tiers = Some(TierRules {
        metric: TierMetric::PointsEarned,
        window: TierWindow::RollingMonths { months: 12 },
        tiers: vec![
            tier("member", "0", "1", "0")?,
            tier("silver", "300", "1.25", "5")?,
            tier("gold", "1000", "1.5", "10")?,
        ],
        grace_days: 30,
        floor: None,
    });
    Ok(LoyaltyProgram::new(spec)?)
}

/// A host in a few lines: decide, "persist" (here: a Vec), apply.
struct Cafe {
    program: LoyaltyProgram,
    account: PointsAccount,
    log: Vec<customer_care::Commit<PointsCommand, PointsEvent>>,
    next_id: u128,
}

impl Cafe {
    fn submit(&mut self, at: DateTime<Utc>, what: &str, body: PointsCommand) {
        self.next_id += 1;
        let command = Command::new(CommandId::from_u128(self.next_id).expect("non-nil"), at, body);
        println!("\n{} — {what}", at.with_timezone(&self.program.zone()).format("%Y-%m-%d %H:%M"));
        match self.account.decide(&self.program, &command) {
            Ok(Decision::Accepted(commit)) => {
                for event in &commit.events {
                    println!("    {}", describe(event));
                }
                self.account.apply(&commit);
                self.log.push(commit);
            }
            Ok(Decision::Duplicate { version }) => println!("    duplicate of commit {version}"),
            Err(error) => println!("    rejected: {error}"),
        }
        println!(
            "    balance: {} available, {} pending, {} owed; tier {}",
            self.account.points_available(),
            self.account.points_pending(),
            self.account.points_owed(),
            self.account.tier().map_or_else(|| "-".to_owned(), |t| t.to_string())
        );
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
        PointsEvent::PointsActivated { lot, points } => format!("{points} points of lot {lot} became spendable"),
        PointsEvent::PointsExpired { lot, points } => format!("{points} points of lot {lot} expired"),
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
        program: cafe_program()?,
        account: PointsAccount::new(AccountId::from_u128(42)?),
        log: Vec::new(),
        next_id: 0,
    };
    cafe.submit(local(2026, 1, 31, 8), "two cà phê sữa đá and a bánh mì", purchase("HD-001", &[58_000, 35_000])?);
    cafe.submit(local(2026, 2, 2, 8), "catering order", purchase("HD-002", &[2_450_000, 600_000])?);
    cafe.submit(
        local(2026, 2, 3, 9),
        "birthday bonus",
        PointsCommand::AwardBonus { points: Points::new(100), reason: BonusReason::Birthday, expires_at: None },
    );
    cafe.submit(
        local(2026, 2, 10, 8),
        "redeem 700 points on a 120,000 VND order",
        PointsCommand::RedeemPoints {
            order: OrderId::new("HD-003")?,
            points: Points::new(700),
            order_total: vnd(120_000),
        },
    );
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
    );
    cafe.submit(
        local(2026, 2, 12, 10),
        "the catering order comes back (one line)",
        PointsCommand::ReturnPurchase { order: OrderId::new("HD-002")?, lines: Some(vec![LineId::new(1)]) },
    );
    cafe.submit(
        local(2026, 2, 13, 10),
        "HD-003 refunded",
        PointsCommand::RefundRedemption { order: OrderId::new("HD-003")?, points: None },
    );
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
    cafe.submit(local(2027, 3, 15, 9), "a year later: process what is due", PointsCommand::ProcessDue);

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
    let replayed = PointsAccount::replay(PointsAccount::new(cafe.account.id()), &cafe.log)?;
    assert_eq!(replayed, cafe.account);
    println!("\n{} commits replay to the same account; invariants hold", cafe.log.len());
    Ok(())
}
