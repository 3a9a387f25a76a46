//! A spa's prepaid packages: a customer tops up (with a promotion bonus valid on massages only), visits several
//! times, a therapist pre-authorises a treatment, a visit is refunded, the bonus expires — and after every visit the
//! e-receipt the spa would send by SMS is printed. Ends with the spa's liability and breakage report.
//!
//! Run with `cargo run --example wallet`.

use chrono::{DateTime, TimeZone, Utc};
use customer_care::host::{Host, ManualClock, MemoryStore, SubmitError};
use customer_care::ledger::Tag;
use customer_care::wallet::{
    BonusExpiry, BonusTier, IssueKind, LiabilityReport, StoredValueAccount, StoredValueProgram, StoredValueSpec,
    WalletCommand, WalletEvent,
};
use customer_care::{AccountId, CommandId, Currency, HoldId, Money, OrderId, PaymentRef};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn vnd(amount: i64) -> Money {
    Money::from_minor(amount, Currency::VND)
}

/// Packages: top up 2,000,000 VND and get 10 % extra, 5,000,000 VND and get 750,000 VND extra; the bonus pays
/// for massages only and is usable for 60 days. Top-ups from 500,000 to 20,000,000 VND, balance at most
/// 30,000,000 VND.
fn spa_program() -> Result<StoredValueProgram> {
    let massage = Tag::new("massage")?;
    let mut spec = StoredValueSpec::new(chrono_tz::Asia::Ho_Chi_Minh, Currency::VND)
        .bonus(BonusTier::percent(vnd(2_000_000), 10).restricted_to([massage]))
        .bonus(BonusTier::fixed(vnd(5_000_000), vnd(750_000)).restricted_to([massage]))
        .bonus_expiry(BonusExpiry::Days { days: 60 })
        .max_balance(vnd(30_000_000));
    spec.min_top_up = Some(vnd(500_000));
    spec.max_top_up = Some(vnd(20_000_000));
    Ok(StoredValueProgram::new(spec)?)
}

/// The spa's host: the crate's host loop over an in-memory store, with a clock the example sets per visit.
struct Spa {
    host: Host<MemoryStore, ManualClock>,
    program: StoredValueProgram,
    account: StoredValueAccount,
    next_id: u128,
}

impl Spa {
    /// Submits and prints what happened, with the SMS text of any receipt.
    fn visit(&mut self, at: DateTime<Utc>, what: &str, body: WalletCommand) -> Result<()> {
        println!("── {what}");
        self.next_id += 1;
        self.host.clock_mut().set(at);
        match self.host.submit(&mut self.account, &self.program, CommandId::from_u128(self.next_id)?, body) {
            Ok(submitted) => {
                for event in submitted.events() {
                    match event.receipt() {
                        Some(receipt) => {
                            println!("   SMS to customer:");
                            for line in receipt.to_string().lines() {
                                println!("   │ {line}");
                            }
                        }
                        None => println!("   {}", describe(event)),
                    }
                }
            }
            Err(SubmitError::Rejected(e)) => println!("   rejected: {e}"),
            Err(other) => return Err(other.into()),
        }
        println!(
            "   balance: {} (principal {}, bonus {}, held {})",
            self.account.money_available(),
            self.account.principal_available(),
            self.account.bonus_available(),
            self.account.money_held()
        );
        Ok(())
    }
}

fn describe(event: &WalletEvent) -> String {
    match event {
        WalletEvent::ToppedUp { payment, principal, bonus } => match bonus {
            Some(b) => format!(
                "topped up {} (payment {payment}), bonus {} for {:?} until {}",
                principal.amount,
                b.amount,
                b.restricted_to.iter().map(ToString::to_string).collect::<Vec<_>>(),
                b.expires_at.map_or_else(|| "forever".to_owned(), |e| e.to_string())
            ),
            None => format!("topped up {} (payment {payment}), no bonus", principal.amount),
        },
        WalletEvent::ValueIssued { kind, reference, credit } => {
            format!("issued {kind:?} {reference}: {}", credit.amount)
        }
        WalletEvent::HoldPlaced { placement } => format!("pre-authorised {}", placement.amount),
        WalletEvent::HoldReleased { released, .. } => format!("released {} lots", released.len()),
        WalletEvent::LotExpired { lot, amount } => format!("lot {lot}: {amount} expired"),
        WalletEvent::SpendRefunded { order, amount, restored, .. } => {
            format!("refunded {amount} of {order} into {} lots it came from", restored.len())
        }
        WalletEvent::TopUpRefunded { payout, bonus_forfeited, .. } => {
            format!("paid back {payout}; bonus forfeited in {} lots", bonus_forfeited.len())
        }
        other => format!("{other:?}"),
    }
}

fn main() -> Result<()> {
    let at = |month: u32, day: u32, hour: u32| Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0).unwrap();
    let mut spa = Spa {
        host: Host::new(MemoryStore::default(), ManualClock::new(at(3, 1, 2))),
        program: spa_program()?,
        account: StoredValueAccount::new(AccountId::from_u128(42)?, Currency::VND),
        next_id: 0,
    };
    let massage = Tag::new("massage")?;
    let facial = Tag::new("facial")?;

    spa.visit(
        at(3, 1, 2),
        "Lan buys the 5,000,000 VND package",
        WalletCommand::TopUp { payment: PaymentRef::new("VNPAY-88121")?, amount: vnd(5_000_000) },
    )?;
    spa.visit(
        at(3, 1, 3),
        "A friend gives her a gift card",
        WalletCommand::IssueValue {
            kind: IssueKind::GiftCard,
            reference: PaymentRef::new("GC-2026-0007")?,
            amount: vnd(500_000),
            restricted_to: vec![],
            expires_at: Some(at(12, 31, 17)),
        },
    )?;
    spa.visit(
        at(3, 8, 3),
        "Visit 1: hot-stone massage, 400,000 VND (bonus pays first)",
        WalletCommand::Spend { order: OrderId::new("SPA-0001")?, amount: vnd(400_000), tags: vec![massage] },
    )?;
    spa.visit(
        at(3, 15, 4),
        "Visit 2: facial, 650,000 VND (the bonus is for massages only)",
        WalletCommand::Spend { order: OrderId::new("SPA-0002")?, amount: vnd(650_000), tags: vec![facial] },
    )?;
    let hold = HoldId::from_u128(501)?;
    spa.visit(
        at(3, 22, 3),
        "Visit 3: pre-authorise a 1,200,000 VND body-wrap package",
        WalletCommand::PlaceHold {
            hold,
            order: OrderId::new("SPA-0003")?,
            amount: vnd(1_200_000),
            tags: vec![Tag::new("body-wrap")?],
            expires_at: Some(at(3, 22, 12)),
        },
    )?;
    spa.visit(
        at(3, 22, 5),
        "Visit 3: the treatment ran shorter, capture 1,000,000 VND (final)",
        WalletCommand::CaptureHold { hold, amount: vnd(1_000_000), final_capture: true },
    )?;
    spa.visit(
        at(3, 23, 2),
        "The facial is refunded (therapist was late)",
        WalletCommand::RefundSpend { order: OrderId::new("SPA-0002")?, amount: None },
    )?;
    spa.visit(
        at(4, 2, 2),
        "Visit 4: a 6,000,000 VND course is more than the balance",
        WalletCommand::Spend { order: OrderId::new("SPA-0004")?, amount: vnd(6_000_000), tags: vec![massage] },
    )?;
    spa.visit(
        at(5, 5, 2),
        "May: the spa's nightly sweep (the unused bonus expired on 1 May)",
        WalletCommand::ProcessDue,
    )?;
    spa.visit(
        at(5, 6, 3),
        "Visit 5: foot massage, 300,000 VND",
        WalletCommand::Spend { order: OrderId::new("SPA-0005")?, amount: vnd(300_000), tags: vec![massage] },
    )?;

    let mut report = LiabilityReport::new(Currency::VND);
    report.add(&spa.account)?;
    println!("── The spa's books ({} account, {} commits)", report.accounts(), spa.account.version());
    println!("   owed: principal {}, bonus {}", report.principal_outstanding(), report.bonus_outstanding());
    println!("   breakage: principal {}, bonus {}", report.principal_breakage(), report.bonus_breakage());
    spa.account.check_invariants()?;
    Ok(())
}
