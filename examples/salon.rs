//! A Vietnamese hair salon's first hour with the crate: three customers, a loyalty program whose tiers have
//! Vietnamese names, prepaid cards with a top-up bonus, a day of visits with e-receipts by SMS (in the customer's
//! language, local time, `₫`), the NPS of the day's surveys with its interval, and the care due three days later,
//! in Vietnamese unless the customer reads English. Everything goes through one host into the in-memory store,
//! written against the public API only.
//!
//! Run with `cargo run --example salon`.

use std::error::Error;

use customer_care::care::{
    CarePolicy, CarePolicySpec, CareSubject, CareWindow, PointsFacts, RenderedReceipt, StageFacts, StoredValueFacts,
};
use customer_care::chrono::{DateTime, TimeDelta, TimeZone, Utc};
use customer_care::chrono_tz::Asia::Ho_Chi_Minh;
use customer_care::customer::{
    AnnualDate, Channel, Customer, CustomerCommand, Language, NewProfile, OccasionKind, Purchase, Purpose, Region,
};
use customer_care::host::{Clock, Host, ManualClock, MemoryStore};
use customer_care::ledger::LineId;
use customer_care::lifecycle::Stage;
use customer_care::loyalty::{
    ExpiryPolicy, LoyaltyProgram, Points, PointsAccount, PointsCommand, PointsReceipt, ProgramSpec, PurchaseLine, Tier,
    TierMetric, TierName, TierRules, TierWindow,
};
use customer_care::metrics::{NpsScore, Tally};
use customer_care::stats::{ConfidenceLevel, NetMethod};
use customer_care::wallet::{BonusTier, StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand};
use customer_care::{AccountId, CommandId, Currency, CustomerId, DisplayName, Money, OrderId, PaymentRef};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn vnd(amount: i64) -> Money {
    Money::from_minor(amount, Currency::VND)
}

/// A local time in Ho Chi Minh City, December 2026.
fn local(day: u32, hour: u32, minute: u32) -> Result<DateTime<Utc>> {
    let at = Ho_Chi_Minh.with_ymd_and_hms(2026, 12, day, hour, minute, 0).single().ok_or("no such local time")?;
    Ok(at.with_timezone(&Utc))
}

/// 1 point per 10,000 ₫, kept 12 months; tiers by points earned in 12 months, named in Vietnamese (and English
/// for the customers who read it). The keys (`member`, `silver`, `gold`) are what events store; customers only
/// ever read the display names.
fn loyalty_program() -> Result<LoyaltyProgram> {
    let tier = |key: &str, vi: &str, en: &str, threshold: i64| -> Result<Tier> {
        let mut tier = Tier::new(TierName::new(key)?).threshold_points(Points::new(threshold));
        tier.display_name = Some(DisplayName::new(vi)?.with("en", en)?);
        Ok(tier)
    };
    let tiers = vec![
        tier("member", "Thành viên", "Member", 0)?,
        tier("silver", "Bạc", "Silver", 150)?,
        tier("gold", "Vàng", "Gold", 500)?,
    ];
    let spec = ProgramSpec::new(Ho_Chi_Minh, vnd(10_000), 1)
        .redeem(Points::new(1), vnd(100))
        .expiry(ExpiryPolicy::RollingMonths { months: 12 })
        .tiers(TierRules::new(TierMetric::PointsEarned, TierWindow::RollingMonths { months: 12 }, tiers));
    Ok(LoyaltyProgram::new(spec)?)
}

/// Prepaid cards: 10 % bonus on a top-up of 1,000,000 ₫ or more, the bonus usable for 3 months.
fn prepaid_program() -> Result<StoredValueProgram> {
    let spec = StoredValueSpec::new(Ho_Chi_Minh, Currency::VND).bonus(BonusTier::percent(vnd(1_000_000), 10));
    Ok(StoredValueProgram::new(spec)?)
}

/// A guest of the salon: a customer record, a points account and a prepaid card, each its own stream.
struct Guest {
    name: &'static str,
    customer: Customer,
    points: PointsAccount,
    card: StoredValueAccount,
}

impl Guest {
    fn new(n: u128, name: &'static str) -> Result<Self> {
        Ok(Self {
            name,
            customer: Customer::new(CustomerId::from_u128(n)?),
            points: PointsAccount::new(AccountId::from_u128(n)?),
            card: StoredValueAccount::new(AccountId::from_u128(n)?, Currency::VND),
        })
    }
}

/// The salon's till: the host (store, clock, retries), the programs, the care policy and the command ids.
struct Till {
    host: Host<MemoryStore, ManualClock>,
    loyalty: LoyaltyProgram,
    prepaid: StoredValueProgram,
    policy: CarePolicy,
    last_id: u128,
}

impl Till {
    /// In production a UUID minted and saved with the order before submitting, so a retry reuses it.
    fn next_id(&mut self) -> Result<CommandId> {
        self.last_id += 1;
        Ok(CommandId::from_u128(self.last_id)?)
    }

    fn register(&mut self, guest: &mut Guest, profile: NewProfile, birthday: &str) -> Result<()> {
        let mut commands = profile.commands();
        commands.push(CustomerCommand::SetImportantDate {
            kind: OccasionKind::Birthday,
            date: birthday.parse::<AnnualDate>()?,
        });
        for purpose in [Purpose::Service, Purpose::Marketing] {
            commands.push(CustomerCommand::GrantConsent { channel: Channel::Sms, purpose, source: None });
        }
        for body in commands {
            let id = self.next_id()?;
            self.host.submit(&mut guest.customer, &(), id, body)?;
        }
        Ok(())
    }

    fn top_up(&mut self, guest: &mut Guest, payment: &str, amount: i64) -> Result<()> {
        let id = self.next_id()?;
        let body = WalletCommand::TopUp { payment: PaymentRef::new(payment)?, amount: vnd(amount) };
        self.host.submit(&mut guest.card, &self.prepaid, id, body)?;
        println!(
            "   {} tops up {}: card {} (bonus {})",
            guest.name,
            vnd(amount),
            guest.card.money_available(),
            guest.card.bonus_available()
        );
        Ok(())
    }

    /// A visit: paid by card or in cash, points earned on the order, the purchase on the customer's record, and
    /// the receipts sent by SMS in the customer's language.
    fn visit(&mut self, guest: &mut Guest, order: &str, amount: i64, by_card: bool) -> Result<()> {
        let order = OrderId::new(order)?;
        println!("\n-- {}: order {order}, {}{}", guest.name, vnd(amount), if by_card { ", by card" } else { ", cash" });
        if by_card {
            let id = self.next_id()?;
            let spend = WalletCommand::Spend { order: order.clone(), amount: vnd(amount), tags: vec![] };
            let paid = self.host.submit(&mut guest.card, &self.prepaid, id, spend)?;
            for receipt in paid.events().iter().filter_map(|event| event.receipt()) {
                self.print_sms(guest, self.policy.render_receipt(receipt, &guest.customer)?)?;
            }
        }
        let id = self.next_id()?;
        let line = PurchaseLine { line: LineId::new(1), amount: vnd(amount), tags: vec![] };
        let earn = PointsCommand::EarnPoints { order: order.clone(), lines: vec![line] };
        let earned = self.host.submit(&mut guest.points, &self.loyalty, id, earn)?;
        let receipt = PointsReceipt::of(earned.commit(), &guest.points).ok_or("the account is at the commit")?;
        self.print_sms(guest, self.policy.render_receipt(&receipt, &guest.customer)?)?;
        let id = self.next_id()?;
        let at = self.host.clock_mut().now();
        let purchase = CustomerCommand::RecordPurchase(Purchase::new(order, vnd(amount), at));
        self.host.submit(&mut guest.customer, &(), id, purchase)?;
        Ok(())
    }

    fn print_sms(&self, guest: &Guest, sms: RenderedReceipt) -> Result<()> {
        println!("   SMS to {} ({}, {:?}, {} part(s)):", guest.name, sms.language, sms.sms.encoding, sms.sms.segments);
        for line in sms.message.lines() {
            println!("   │ {line}");
        }
        Ok(())
    }
}

fn main() -> Result<()> {
    // The care policy: the sample templates, Vietnamese unless a customer reads another language.
    let mut spec = CarePolicySpec::example("Salon Mai", Ho_Chi_Minh, vnd(200_000));
    spec.language = Some(Language::new("vi")?);
    let mut till = Till {
        host: Host::new(MemoryStore::default(), ManualClock::new(local(1, 9, 0)?)),
        loyalty: loyalty_program()?,
        prepaid: prepaid_program()?,
        policy: CarePolicy::new(spec)?,
        last_id: 0,
    };

    println!("== Tuesday 1 December 2026: three guests join");
    let mut lan = Guest::new(1, "chị Lan")?;
    let mut minh = Guest::new(2, "anh Minh")?;
    let mut emma = Guest::new(3, "Emma")?;
    let vi = Language::new("vi")?;
    let profile = |name: &str, phone: &str| -> Result<NewProfile> {
        Ok(NewProfile::default().preferred_name(name)?.phone(phone, Region::VN)?.preferred_channel(Channel::Sms))
    };
    till.register(&mut lan, profile("chị Lan", "0903 123 456")?.language(vi), "1990-12-08")?;
    // Minh never said which language he reads: the policy's default (Vietnamese) speaks to him.
    till.register(&mut minh, profile("anh Minh", "0912 345 678")?, "1985-03-20")?;
    till.register(&mut emma, profile("Emma", "0987 654 321")?.language(Language::new("en")?), "1994-07-02")?;
    till.top_up(&mut lan, "VNPAY-0001", 2_000_000)?;
    till.top_up(&mut emma, "CARD-0002", 1_000_000)?;

    println!("\n== Saturday 5 December: the busy afternoon");
    till.host.clock_mut().set(local(5, 14, 30)?);
    till.visit(&mut lan, "HD-0001", 1_850_000, true)?;
    till.host.clock_mut().set(local(5, 16, 5)?);
    till.visit(&mut minh, "HD-0002", 450_000, false)?;
    till.host.clock_mut().set(local(5, 17, 40)?);
    till.visit(&mut emma, "HD-0003", 350_000, true)?;

    println!("\n== Balances at closing");
    for guest in [&lan, &minh, &emma] {
        let tier = guest.points.tier().and_then(|key| till.loyalty.tier(key));
        let tier = tier.and_then(|t| t.display_name.as_ref()).map_or("-", |name| name.as_str());
        println!(
            "   {:<9} card {:>12}  points {:>4}  tier {tier}",
            guest.name,
            guest.card.money_available().to_string(),
            guest.points.points_available().to_string()
        );
    }

    // The day's surveys (0–10): NPS with its 95 % interval, shown as the interval it is.
    let scores = [10, 9, 9, 10, 8, 7, 10, 6, 9, 10, 9, 3];
    let mut tally = Tally::<NpsScore>::default();
    for score in scores {
        tally.add(NpsScore::new(score)?)?;
    }
    let nps = tally.nps(ConfidenceLevel::NINETY_FIVE, NetMethod::AdjustedWald)?;
    println!("\n== The day's surveys: NPS {:.1} from {} answers", nps.with_interval(), tally.n());

    // Tuesday 8 December: the care due today, from the records the host keeps.
    let today = local(8, 7, 0)?;
    let window = CareWindow::new(today, today + TimeDelta::days(1))?;
    // All three joined a week ago: new customers (the host's stage classifier says so; see `lifecycle`).
    let joined = local(1, 9, 0)?;
    let subjects: Vec<CareSubject<'_>> = [&lan, &minh, &emma]
        .into_iter()
        .map(|guest| CareSubject {
            stage: Some(StageFacts { stage: Stage::New, since: joined }),
            points: Some(PointsFacts::of(&guest.points, &till.loyalty, today)),
            stored_value: Some(StoredValueFacts::of(&guest.card)),
            ..CareSubject::new(&guest.customer)
        })
        .collect();
    let plan = till.policy.plan(window, subjects);
    println!("\n== Tuesday 8 December: {} messages due, {} skipped", plan.actions.len(), plan.skipped.len());
    let name =
        |id: CustomerId| [&lan, &minh, &emma].into_iter().find(|g| g.customer.id() == id).map_or("?", |g| g.name);
    for action in &plan.actions {
        let at = action.due_at.with_timezone(&Ho_Chi_Minh).format("%H:%M");
        println!("   {at} {:<9} {:<18} “{}”", name(action.customer), action.kind.as_str(), action.message);
    }
    Ok(())
}
