//! `StoredValueAccount::decide` and `apply` under an arbitrary (valid) stored-value program, on arbitrary command
//! sequences at arbitrary instants: no panic, a rejected command changes nothing, replay (generic and
//! `StoredValueAccount::replay`) and JSON snapshots equal the live account, the ledger's invariants hold, and the
//! liability report of the account never panics.

#![no_main]

use arbitrary::{Result, Unstructured};
use chrono::{DateTime, Utc};
use customer_care::ledger::Tag;
use customer_care::wallet::{Bonus, BonusExpiry, BonusTier, IssueKind, LiabilityReport, SpendOrder, StoredValueSpec};
use customer_care::{
    AccountId, Command, Currency, HoldId, OrderId, PaymentRef, Rounding, StoredValueAccount, StoredValueProgram,
    WalletCommand,
};
use fuzz_support::{Ids, check_aggregate, currency, instant, money, small_u128, step, zone};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

fn tags(u: &mut Unstructured<'_>) -> Result<Vec<Tag>> {
    let n = u.int_in_range(0..=2)?;
    (0..n).map(|_| Ok(Tag::new(u.choose(&["coffee", "merch", "tea"])?).expect("valid tag"))).collect()
}

fn rounding(u: &mut Unstructured<'_>) -> Result<Rounding> {
    Ok(*u.choose(&[Rounding::Floor, Rounding::HalfUp, Rounding::HalfEven, Rounding::Ceiling])?)
}

fn small_u32(u: &mut Unstructured<'_>) -> Result<u32> {
    Ok(if u.ratio(1, 8)? { u.arbitrary()? } else { u.int_in_range(0..=60)? })
}

/// A program from arbitrary settings; when they do not validate, the plain program in that currency.
fn program(u: &mut Unstructured<'_>, c: Currency) -> Result<StoredValueProgram> {
    let mut s = StoredValueSpec::new(zone(u)?, c);
    let fallback = s.clone();
    let n = u.int_in_range(0..=3)?;
    for _ in 0..n {
        let bonus = if u.arbitrary()? {
            Bonus::Fixed { amount: money(u, c)? }
        } else {
            Bonus::Percent { percent: Decimal::new(u.int_in_range(-10..=5000)?, u.int_in_range(0..=3)?) }
        };
        s.bonus_tiers.push(BonusTier { min_top_up: money(u, c)?, bonus, restricted_to: tags(u)? });
    }
    s.bonus_rounding = rounding(u)?;
    s.bonus_expiry = match u.int_in_range(0..=2u8)? {
        0 => BonusExpiry::Never,
        1 => BonusExpiry::Days { days: small_u32(u)? },
        _ => BonusExpiry::Months { months: small_u32(u)? },
    };
    if u.arbitrary()? {
        s.min_top_up = Some(money(u, c)?);
    }
    if u.arbitrary()? {
        s.max_top_up = Some(money(u, c)?);
    }
    if u.arbitrary()? {
        s.max_balance = Some(money(u, c)?);
    }
    s.spend_order = *u.choose(&[SpendOrder::BonusFirst, SpendOrder::PrincipalFirst])?;
    s.refund_rounding = rounding(u)?;
    Ok(StoredValueProgram::new(s).or_else(|_| StoredValueProgram::new(fallback)).expect("the plain program is valid"))
}

fn order(u: &mut Unstructured<'_>) -> Result<OrderId> {
    Ok(OrderId::new(&format!("HD-{}", small_u128(u, 6)?)).expect("valid order id"))
}

fn payment(u: &mut Unstructured<'_>) -> Result<PaymentRef> {
    Ok(PaymentRef::new(&format!("PAY-{}", small_u128(u, 6)?)).expect("valid payment ref"))
}

fn hold(u: &mut Unstructured<'_>) -> Result<HoldId> {
    Ok(HoldId::from_u128(small_u128(u, 3)?).expect("non-nil"))
}

fn maybe_instant(u: &mut Unstructured<'_>, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    Ok(if u.arbitrary()? { Some(step(u, at)?) } else { None })
}

fn body(u: &mut Unstructured<'_>, c: Currency, at: DateTime<Utc>) -> Result<WalletCommand> {
    let c = if u.ratio(15, 16)? { c } else { currency(u)? };
    Ok(match u.int_in_range(0..=10u8)? {
        0 | 1 => WalletCommand::TopUp { payment: payment(u)?, amount: money(u, c)? },
        2 => WalletCommand::IssueValue {
            kind: *u.choose(&[IssueKind::GiftCard, IssueKind::StoreCredit])?,
            reference: payment(u)?,
            amount: money(u, c)?,
            restricted_to: tags(u)?,
            expires_at: maybe_instant(u, at)?,
        },
        3 | 4 => WalletCommand::Spend { order: order(u)?, amount: money(u, c)?, tags: tags(u)? },
        5 => WalletCommand::PlaceHold {
            hold: hold(u)?,
            order: order(u)?,
            amount: money(u, c)?,
            tags: tags(u)?,
            expires_at: maybe_instant(u, at)?,
        },
        6 => WalletCommand::CaptureHold { hold: hold(u)?, amount: money(u, c)?, final_capture: u.arbitrary()? },
        7 => WalletCommand::ReleaseHold { hold: hold(u)? },
        8 => WalletCommand::RefundSpend {
            order: order(u)?,
            amount: if u.arbitrary()? { Some(money(u, c)?) } else { None },
        },
        9 => WalletCommand::RefundTopUp {
            payment: payment(u)?,
            amount: if u.arbitrary()? { Some(money(u, c)?) } else { None },
        },
        _ => {
            if u.ratio(7, 8)? {
                WalletCommand::ProcessDue
            } else {
                WalletCommand::Close
            }
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((currency, program, commands)) = (|| -> Result<_> {
        let c = currency(&mut u)?;
        let program = program(&mut u, c)?;
        let mut ids = Ids::default();
        let mut at = instant(&mut u)?;
        let mut out = Vec::new();
        while !u.is_empty() && out.len() < 64 {
            at = step(&mut u, at)?;
            let id = ids.next(&mut u)?;
            out.push(Command::new(id, at, body(&mut u, c, at)?));
        }
        Ok((c, program, out))
    })() else {
        return;
    };
    let initial = StoredValueAccount::new(AccountId::from_u128(7).expect("non-nil"), currency);
    let live = check_aggregate(&initial, &program, &commands, |a, log| StoredValueAccount::replay(a, log));
    live.check_invariants().expect("ledger invariants hold");
    let _ = live.explain();
    let _ = live.next_deadline();
    let mut report = LiabilityReport::new(currency);
    if report.add(&live).is_ok() {
        let _ = report.liability();
        let _ = report.breakage();
        let _ = report.merge(&report.clone());
    }
});
