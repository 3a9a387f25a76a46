//! Three aggregates through one host: a customer record, a points account and a prepaid card, in one in-memory
//! store. A visit is three commands; a retried visit is answered from the stored commits, receipt included.
//!
//! Run with `cargo run --example host_three`.

use std::error::Error;

use customer_care::chrono::{DateTime, TimeZone, Utc};
use customer_care::chrono_tz::Asia::Ho_Chi_Minh;
use customer_care::customer::{Channel, Customer, Language, NewProfile, Purchase, Region};
use customer_care::host::{Host, ManualClock, MemoryStore};
use customer_care::ledger::LineId;
use customer_care::loyalty::{LoyaltyProgram, Points, PointsAccount, PointsCommand, ProgramSpec, PurchaseLine};
use customer_care::wallet::{BonusTier, StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand};
use customer_care::{AccountId, CommandId, Currency, CustomerCommand, CustomerId, Money, OrderId, PaymentRef};

fn vnd(amount: i64) -> Money {
    Money::from_minor(amount, Currency::VND)
}

/// A local time on a December day in Ho Chi Minh City.
fn local(day: u32, hour: u32) -> Result<DateTime<Utc>, Box<dyn Error>> {
    Ok(Ho_Chi_Minh.with_ymd_and_hms(2026, 12, day, hour, 0, 0).single().ok_or("no such time")?.with_timezone(&Utc))
}

fn print_receipt(title: &str, text: &str) {
    println!("   {title}:");
    for line in text.lines() {
        println!("   │ {line}");
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    // The programs: 1 point per 10,000 VND (1 point = 100 VND off); prepaid with 10 % bonus from 1,000,000 VND.
    let loyalty = LoyaltyProgram::new(ProgramSpec::new(Ho_Chi_Minh, vnd(10_000), 1).redeem(Points::new(1), vnd(100)))?;
    let prepaid = StoredValueProgram::new(
        StoredValueSpec::new(Ho_Chi_Minh, Currency::VND).bonus(BonusTier::percent(vnd(1_000_000), 10)),
    )?;

    // The host: one store for every aggregate, a clock (set by hand here), the default retry policy.
    let mut host = Host::new(MemoryStore::default(), ManualClock::new(local(1, 9)?));
    let mut last_id = 0;
    let mut next_id = || -> Result<CommandId, Box<dyn Error>> {
        last_id += 1;
        Ok(CommandId::from_u128(last_id)?) // in production: a UUID minted and saved before submitting
    };

    // Each aggregate carries its own id: the host files its commits under it.
    let mut lan = Customer::new(CustomerId::from_u128(1)?);
    let mut points = PointsAccount::new(AccountId::from_u128(1)?);
    let mut card = StoredValueAccount::new(AccountId::from_u128(1)?, Currency::VND);

    println!("== 1 December: Lan joins and buys a prepaid card");
    let joining = NewProfile::default()
        .full_name("Nguyễn Thị Lan")?
        .phone("0903 123 456", Region::VN)?
        .language(Language::new("vi")?)
        .preferred_channel(Channel::Sms);
    for body in joining.commands() {
        host.submit(&mut lan, &(), next_id()?, body)?;
    }
    let top_up = WalletCommand::TopUp { payment: PaymentRef::new("VNPAY-0001")?, amount: vnd(1_000_000) };
    host.submit(&mut card, &prepaid, next_id()?, top_up)?;
    println!("   card balance {} (bonus {})", card.money_available(), card.bonus_available());

    println!("\n== 5 December: a haircut and a treatment, 450,000 VND, paid by card");
    host.clock_mut().set(local(5, 15)?);
    let order = OrderId::new("HD-0001")?;
    let spend_id = next_id()?;
    let spend = WalletCommand::Spend { order: order.clone(), amount: vnd(450_000), tags: vec![] };
    let paid = host.submit(&mut card, &prepaid, spend_id, spend.clone())?;
    for receipt in paid.events().iter().filter_map(|e| e.receipt()) {
        print_receipt("receipt", &receipt.to_string());
    }
    let line = PurchaseLine { line: LineId::new(1), amount: vnd(450_000), tags: vec![] };
    let earn = PointsCommand::EarnPoints { order: order.clone(), lines: vec![line] };
    let earned = host.submit(&mut points, &loyalty, next_id()?, earn)?;
    println!(
        "   points: {} now, commit v{} at {}",
        points.points_available(),
        earned.commit().version,
        earned.commit().command.issued_at
    );
    let visit = CustomerCommand::RecordPurchase(Purchase::new(order, vnd(450_000), local(5, 15)?));
    host.submit(&mut lan, &(), next_id()?, visit)?;

    println!("\n== The till lost the answer and retries the payment (same command id)");
    host.clock_mut().set(local(5, 16)?);
    let retry = host.submit(&mut card, &prepaid, spend_id, spend)?;
    println!(
        "   duplicate: {}, the stored commit v{} issued at {}, balance still {}",
        retry.outcome.is_duplicate(),
        retry.commit().version,
        retry.commit().command.issued_at,
        card.money_available()
    );
    for receipt in retry.events().iter().filter_map(|e| e.receipt()) {
        print_receipt("receipt reprinted", &receipt.to_string());
    }

    println!("\n== What the store holds, replayed");
    let as_of = local(5, 16)?;
    let replayed = host.load(Customer::new(lan.id()))?;
    println!("   customer v{}: {} order(s)", replayed.version(), replayed.activity_summary(as_of).orders);
    let replayed = host.load(PointsAccount::new(points.id()))?;
    println!("   points   v{}: {} available", replayed.version(), replayed.points_available());
    let replayed = host.load(StoredValueAccount::new(card.id(), Currency::VND))?;
    println!("   card     v{}: {} available", replayed.version(), replayed.money_available());
    Ok(())
}
