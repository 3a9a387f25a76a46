//! The simulated café chain: its programs, its customers' habits (a seeded generator: no clock, no OS
//! randomness), and the year driven day by day through the hosts.

#![allow(unreachable_pub)] // items shared within the example binary

use std::error::Error;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use customer_care::calendar::{BusinessCalendar, TimeRange, WeeklyHours};
use customer_care::care::CareAction;
use customer_care::customer::{
    AnnualDate, Channel, Language, NewProfile, OccasionKind, PreferencesPatch, Purchase, Purpose, Refund, Region,
    SalesChannel,
};
use customer_care::ledger::LineId;
use customer_care::loyalty::{
    BonusReason, ClawbackPolicy, ExpiredRefundPolicy, ExpiryPolicy, ProgramSpec, PurchaseLine, Tier, TierMetric,
    TierName, TierRules, TierWindow,
};
use customer_care::rust_decimal::Decimal;
use customer_care::service::{
    AgentId, AuthorKind, Channel as TicketChannel, Priority, SlaClock, SlaMetric, SlaPolicy, SlaRule, Status, TeamId,
    Ticket, TicketEvent, TicketEventKind as K, TicketId, Visibility,
};
use customer_care::wallet::{BonusExpiry, BonusTier, StoredValueSpec, WalletCommand, WalletEvent};
use customer_care::{
    AccountId, CommandId, Commit, Currency, Customer, CustomerCommand, CustomerId, LoyaltyProgram, Money, OrderId,
    PaymentRef, Points, PointsAccount, PointsCommand, StoreId, StoredValueAccount, StoredValueProgram,
};
use customer_care_storage::Store as Streams;
use serde_json::json;

use crate::facts::{Backend, SurveyRow};
use crate::host::Host;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The seed of the year.
pub const SEED: u64 = 2026;
/// The chain's zone.
pub const ZONE: Tz = chrono_tz::Asia::Ho_Chi_Minh;
/// How many customers join during the year.
const CUSTOMERS: u64 = 2_000;

/// A store and how its visitors feel: chances of a promoter and of a detractor.
pub struct Store {
    pub code: &'static str,
    promoter: f64,
    detractor: f64,
}

/// The three stores.
pub const STORES: [Store; 3] = [
    Store { code: "HCM-Q1", promoter: 0.58, detractor: 0.12 },
    Store { code: "HCM-Q3", promoter: 0.46, detractor: 0.20 },
    Store { code: "HCM-TD", promoter: 0.34, detractor: 0.30 },
];

/// The menu: name, price in VND, tag.
const MENU: [(&str, i64, &str); 7] = [
    ("cà phê sữa đá", 29_000, "drink"),
    ("bạc xỉu", 35_000, "drink"),
    ("trà đào cam sả", 45_000, "drink"),
    ("cold brew", 55_000, "drink"),
    ("bánh mì", 25_000, "food"),
    ("croissant", 39_000, "food"),
    ("bánh flan", 20_000, "food"),
];

const FAMILY: [&str; 10] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"];
const MIDDLE: [&str; 6] = ["Thị", "Văn", "Ngọc", "Minh", "Thanh", "Hoàng"];
const GIVEN: [&str; 12] = ["Lan", "Minh", "Anh", "Hương", "Tuấn", "Linh", "Phúc", "Mai", "Huy", "Trang", "Khoa", "Vy"];
const ENGLISH: [&str; 8] = ["Emma", "James", "Olivia", "Liam", "Sophie", "Daniel", "Chloe", "Lucas"];
const PREFIXES: [&str; 10] = ["090", "091", "093", "097", "098", "070", "079", "086", "096", "038"];

/// SplitMix64 (the tests' generator): small, seeded, the same on every machine.
#[path = "../../tests/it/common/rng.rs"]
mod rng;
use rng::Rng;

/// One customer's habits (never stored: the crate sees only what they do).
#[derive(Clone, Copy)]
struct Person {
    n: u64,
    joins: NaiveDate,
    home: usize,
    visits_per_week: f64,
    /// Chance of never coming back after a visit.
    dropout: f64,
    prepaid: bool,
    english: bool,
    born: NaiveDate,
    zalo: bool,
    gone: bool,
}

/// An order that comes back later.
struct Return {
    on: NaiveDate,
    person: usize,
    order: OrderId,
    amount: Money,
    redeemed: bool,
    prepaid: bool,
}

/// A survey answer: store, time, NPS score, CSAT score.
pub type Answer = (String, DateTime<Utc>, u8, u8);

/// The chain: programs, hosts, the facts tables, the people.
pub struct World<D> {
    pub loyalty: LoyaltyProgram,
    wallet_program: StoredValueProgram,
    pub customers: Host<Customer, D>,
    pub points: Host<PointsAccount, D>,
    pub wallets: Host<StoredValueAccount, D>,
    /// The database: the streams and the facts tables on one connection.
    pub db: D,
    /// The day's survey answers and tickets, written in one transaction at the end of the day.
    surveys_today: Vec<SurveyRow>,
    tickets_today: Vec<(String, String)>,
    people: Vec<Person>,
    rng: Rng,
    next_command: u128,
    orders: u64,
}

fn vnd(amount: i64) -> Money {
    Money::from_minor(amount, Currency::VND)
}

/// Local time on a day.
fn at(day: NaiveDate, minutes: i64) -> Result<DateTime<Utc>> {
    let midnight = ZONE.from_local_datetime(&day.and_hms_opt(0, 0, 0).ok_or("no midnight")?).single();
    Ok((midnight.ok_or("no local midnight")? + TimeDelta::minutes(minutes)).with_timezone(&Utc))
}

/// Midnight starting 1 January 2027: the report's "now".
pub fn end_of_year() -> DateTime<Utc> {
    ZONE.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).single().map_or(DateTime::UNIX_EPOCH, |t| t.with_timezone(&Utc))
}

fn customer_id(n: u64) -> Result<CustomerId> {
    Ok(CustomerId::from_u128((1 << 64) | u128::from(n))?)
}

fn points_id(n: u64) -> Result<AccountId> {
    Ok(AccountId::from_u128((2 << 64) | u128::from(n))?)
}

fn wallet_id(n: u64) -> Result<AccountId> {
    Ok(AccountId::from_u128((3 << 64) | u128::from(n))?)
}

/// 1 point per 10,000 VND, pending 7 days, expiring 6 months after earning, 1 point = 100 VND off, at most half an
/// order; silver from 150 points earned in 12 months (×1.25), gold from 500 (×1.5).
fn loyalty_program() -> Result<LoyaltyProgram> {
    let tier = |name: &str, threshold: i64, multiplier: Decimal| -> Result<Tier> {
        Ok(Tier::new(TierName::new(name)?).threshold_points(Points::new(threshold)).earn_multiplier(multiplier))
    };
    let tiers = vec![
        tier("member", 0, Decimal::ONE)?,
        tier("silver", 150, Decimal::new(125, 2))?,
        tier("gold", 500, Decimal::new(15, 1))?,
    ];
    let mut spec = ProgramSpec::new(ZONE, vnd(10_000), 1)
        .redeem(Points::new(1), vnd(100))
        .pending_days(7)
        .expiry(ExpiryPolicy::RollingMonths { months: 6 })
        .clawback(ClawbackPolicy::AllowDebt { max_debt: Points::new(100) })
        .tiers(
            TierRules::new(TierMetric::PointsEarned, TierWindow::RollingMonths { months: 12 }, tiers).grace_days(30),
        );
    spec.redemption.max_share = Decimal::new(5, 1);
    spec.redemption.min_points = Points::new(50);
    spec.expired_refund = ExpiredRefundPolicy::Grace { days: 30 };
    Ok(LoyaltyProgram::new(spec)?)
}

/// Prepaid cards: 5 % bonus from 500,000 VND, 10 % from 1,000,000 VND, bonus valid 90 days.
fn wallet_program() -> Result<StoredValueProgram> {
    let mut spec = StoredValueSpec::new(ZONE, Currency::VND)
        .bonus(BonusTier::percent(vnd(500_000), 5))
        .bonus(BonusTier::percent(vnd(1_000_000), 10))
        .bonus_expiry(BonusExpiry::Days { days: 90 })
        .max_balance(vnd(5_000_000));
    spec.min_top_up = Some(vnd(100_000));
    Ok(StoredValueProgram::new(spec)?)
}

/// The support desk: 08:00–20:00 every day, closed for Tết (16–20 February 2026).
pub fn support_calendar() -> Result<BusinessCalendar> {
    let all_week = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
    let hours = WeeklyHours::days(&all_week, &[TimeRange::parse("08:00", "20:00")?])?;
    let tet = (16..=20).filter_map(|d| NaiveDate::from_ymd_opt(2026, 2, d));
    Ok(BusinessCalendar::builder(ZONE, hours).holidays(tet).build()?)
}

/// First reply within 2 business hours, resolution within 24.
pub fn sla_policy() -> Result<SlaPolicy> {
    Ok(SlaPolicy::new([
        SlaRule::new(SlaMetric::FirstReply, 2 * 3600, SlaClock::Business)?,
        SlaRule::new(SlaMetric::Resolution, 24 * 3600, SlaClock::Business)?,
    ])?)
}

/// The outbox effects of a wallet commit: the e-receipt of every spend.
fn e_receipts(commit: &Commit<WalletCommand, WalletEvent>) -> Vec<serde_json::Value> {
    commit
        .events
        .iter()
        .filter_map(WalletEvent::receipt)
        .map(|r| {
            json!({ "kind": "e_receipt", "order": r.order, "amount": r.amount.to_string(),
                    "from_bonus": r.from_bonus.to_string() })
        })
        .collect()
}

impl<D: Backend> World<D> {
    /// The chain on `db` (one connection for everything: the three aggregate types' streams and the facts
    /// tables), with its people drawn from the seed.
    pub fn open(db: D) -> Result<Self> {
        db.create_facts()?;
        // Points and prepaid accounts keep their next deadline in the index, for the scheduler.
        let points = Host::new(
            Streams::new(db.clone(), "points")
                .with_deadlines(|id| AccountId::new(id).ok().map(PointsAccount::new), PointsAccount::next_deadline),
        );
        let wallets = Host::new(
            Streams::new(db.clone(), "wallet")
                .with_deadlines(
                    |id| AccountId::new(id).ok().map(|id| StoredValueAccount::new(id, Currency::VND)),
                    StoredValueAccount::next_deadline,
                )
                .with_effects(e_receipts),
        );
        let customers = Host::new(Streams::new(db.clone(), "customer"));
        let mut rng = Rng(SEED);
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("bad date")?;
        let people = (0..CUSTOMERS)
            .map(|n| {
                // More members join early in the year; habits vary a lot between people.
                let joins = first + TimeDelta::days((rng.uniform().powf(1.6) * 364.0) as i64);
                let heavy = rng.chance(0.2);
                let visits_per_week = if heavy { 1.0 + 1.5 * rng.uniform() } else { 0.1 + 0.5 * rng.uniform() };
                Person {
                    n,
                    joins,
                    home: rng.below(STORES.len() as u64) as usize,
                    visits_per_week,
                    dropout: if heavy { 0.004 } else { 0.02 + 0.08 * rng.uniform() },
                    prepaid: rng.chance(if heavy { 0.6 } else { 0.15 }),
                    english: rng.chance(0.12),
                    born: NaiveDate::from_ymd_opt(1965 + rng.below(42) as i32, 1, 1).unwrap_or(first)
                        + TimeDelta::days(rng.below(365) as i64),
                    zalo: rng.chance(0.55),
                    gone: false,
                }
            })
            .collect();
        Ok(Self {
            loyalty: loyalty_program()?,
            wallet_program: wallet_program()?,
            customers,
            points,
            wallets,
            db,
            surveys_today: Vec::new(),
            tickets_today: Vec::new(),
            people,
            rng,
            next_command: 0,
            orders: 0,
        })
    }

    fn id(&mut self) -> Result<CommandId> {
        self.next_command += 1;
        Ok(CommandId::from_u128((0x70_u128 << 64) | self.next_command)?)
    }

    fn customer(&mut self, n: u64, at: DateTime<Utc>, body: CustomerCommand) -> Result<()> {
        let id = customer_id(n)?;
        let command = self.id()?;
        self.customers.run(id.as_uuid(), || Customer::new(id), &(), command, at, body)?;
        Ok(())
    }

    fn points(&mut self, n: u64, at: DateTime<Utc>, body: PointsCommand) -> Result<bool> {
        let id = points_id(n)?;
        let command = self.id()?;
        Ok(self.points.run(id.as_uuid(), || PointsAccount::new(id), &self.loyalty, command, at, body)?.is_some())
    }

    fn wallet(&mut self, n: u64, at: DateTime<Utc>, body: WalletCommand) -> Result<bool> {
        let id = wallet_id(n)?;
        let command = self.id()?;
        let new = || StoredValueAccount::new(id, Currency::VND);
        Ok(self.wallets.run(id.as_uuid(), new, &self.wallet_program, command, at, body)?.is_some())
    }

    /// Every prepaid account with its owner's home store.
    pub fn wallet_accounts(&self) -> impl Iterator<Item = (usize, &StoredValueAccount)> {
        self.people.iter().filter_map(|p| Some((p.home, self.wallets.get(wallet_id(p.n).ok()?.as_uuid())?)))
    }

    /// Every customer with their points and prepaid accounts, when they have them.
    pub fn accounts(&self) -> impl Iterator<Item = (&Customer, Option<&PointsAccount>, Option<&StoredValueAccount>)> {
        self.people.iter().filter_map(|p| {
            let customer = self.customers.get(customer_id(p.n).ok()?.as_uuid())?;
            let points = points_id(p.n).ok().and_then(|id| self.points.get(id.as_uuid()));
            let wallet = wallet_id(p.n).ok().and_then(|id| self.wallets.get(id.as_uuid()));
            Some((customer, points, wallet))
        })
    }

    /// Queues care actions for delivery, in one transaction; returns how many were new (an action already queued,
    /// by its dedup key, is left as it is).
    pub fn queue_care(&self, actions: &[CareAction]) -> Result<usize> {
        let rows = actions
            .iter()
            .map(|a| {
                Ok([a.key.as_str().to_owned(), a.due_at.to_rfc3339(), a.channel.to_string(), serde_json::to_string(a)?])
            })
            .collect::<Result<Vec<_>>>()?;
        self.db.queue_care(&rows)
    }

    /// Rows in a facts table.
    pub fn count_facts(&self, table: &str) -> Result<u64> {
        self.db.count_facts(table)
    }

    /// The survey answers in the database: store, time, NPS, CSAT.
    pub fn surveys(&self) -> Result<Vec<Answer>> {
        let mut out = Vec::new();
        for (store, at, nps, csat) in self.db.surveys()? {
            out.push((store, at.parse()?, u8::try_from(nps)?, u8::try_from(csat)?));
        }
        Ok(out)
    }

    /// The tickets in the database.
    pub fn tickets(&self) -> Result<Vec<Ticket>> {
        self.db.tickets()?.iter().map(|t| Ok(serde_json::from_str(t)?)).collect()
    }

    /// The year, day by day; progress on stderr.
    pub fn simulate_year(&mut self) -> Result<()> {
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("bad date")?;
        let mut returns: Vec<Return> = Vec::new();
        for offset in 0..365 {
            let day = first + TimeDelta::days(offset);
            if day.day() == 1 {
                eprint!("\rsimulating {} …", day.format("%Y-%m"));
            }
            for i in 0..self.people.len() {
                if let Some(r) = self.live(i, day)? {
                    returns.push(r);
                }
            }
            let today: Vec<Return> = returns.extract_if(.., |r| r.on == day).collect();
            for r in today {
                self.give_back(r, day)?;
            }
            self.write_facts()?;
        }
        // New Year's Eve, 23:30: the scheduler wakes the accounts the deadline index says are due (points that
        // expired or matured, bonus that expired), earliest first. A re-run finds them processed: nothing is due,
        // and the hosts read the stored time commands into their caches.
        let close = at(first + TimeDelta::days(364), 23 * 60 + 30)?;
        let person = |stream: uuid::Uuid| (stream.as_u128() & u128::from(u64::MAX)) as u64;
        for due in self.points.store().due(close, usize::MAX)? {
            self.points(person(due.stream), close, PointsCommand::ProcessDue)?;
        }
        for due in self.wallets.store().due(close, usize::MAX)? {
            self.wallet(person(due.stream), close, WalletCommand::ProcessDue)?;
        }
        self.points.catch_up()?;
        self.wallets.catch_up()?;
        eprintln!("\rsimulated 2026: {} orders{:>20}", self.orders, "");
        Ok(())
    }

    /// Writes the day's answers and tickets; a re-run finds them there (their keys are the order and ticket ids).
    fn write_facts(&mut self) -> Result<()> {
        let (surveys, tickets) = (std::mem::take(&mut self.surveys_today), std::mem::take(&mut self.tickets_today));
        self.db.write_facts(&surveys, &tickets)
    }

    /// One person's day: joining, a birthday bonus, maybe a visit. Returns an order that will come back.
    fn live(&mut self, i: usize, day: NaiveDate) -> Result<Option<Return>> {
        let p = self.people[i];
        if day < p.joins || p.gone {
            return Ok(None);
        }
        let minute = 7 * 60 + self.rng.below(14 * 60) as i64;
        if day == p.joins {
            self.register(p, at(day, minute)?)?;
        } else if (p.born.month(), p.born.day()) == (day.month(), day.day()) {
            let body =
                PointsCommand::AwardBonus { points: Points::new(50), reason: BonusReason::Birthday, expires_at: None };
            self.points(p.n, at(day, 7 * 60)?, body)?;
        }
        if day != p.joins && !self.rng.chance(p.visits_per_week / 7.0) {
            return Ok(None);
        }
        let r = self.visit(i, day, at(day, minute)?)?;
        if self.rng.chance(p.dropout) {
            self.people[i].gone = true;
        }
        Ok(r)
    }

    /// Registration at the till: profile, birthday, language, consents.
    fn register(&mut self, p: Person, t: DateTime<Utc>) -> Result<()> {
        let name = if p.english {
            format!("{} {}", self.rng.pick(&ENGLISH), self.rng.pick(&FAMILY))
        } else {
            format!("{} {} {}", self.rng.pick(&FAMILY), self.rng.pick(&MIDDLE), self.rng.pick(&GIVEN))
        };
        let phone = format!("{}{:07}", self.rng.pick(&PREFIXES), self.rng.below(10_000_000));
        let profile = NewProfile::default().full_name(&name)?.phone(&phone, Region::VN)?.build();
        self.customer(p.n, t, CustomerCommand::Register { profile, registered_at: None })?;
        let birthday = AnnualDate::from_date(p.born)?;
        self.customer(p.n, t, CustomerCommand::SetImportantDate { kind: OccasionKind::Birthday, date: birthday })?;
        let language = Language::new(if p.english { "en" } else { "vi" })?;
        let patch = PreferencesPatch::default().language(language);
        self.customer(p.n, t, CustomerCommand::SetPreferences { patch })?;
        let sms = CustomerCommand::GrantConsent {
            channel: Channel::Sms,
            purpose: Purpose::Service,
            source: Some("till signup".parse()?),
        };
        self.customer(p.n, t, sms)?;
        if p.zalo {
            let zalo = CustomerCommand::GrantConsent {
                channel: Channel::ChatApp,
                purpose: Purpose::Marketing,
                source: Some("Zalo OA follow".parse()?),
            };
            self.customer(p.n, t, zalo)?;
        }
        Ok(())
    }

    /// A visit: an order, maybe paid partly with points and the rest with the prepaid card, points earned, maybe
    /// a survey answered or a ticket raised afterwards; some orders come back.
    fn visit(&mut self, i: usize, day: NaiveDate, t: DateTime<Utc>) -> Result<Option<Return>> {
        let p = self.people[i];
        let store = if self.rng.chance(0.8) { p.home } else { self.rng.below(STORES.len() as u64) as usize };
        self.orders += 1;
        let order: OrderId = format!("{}-{}-{:06}", STORES[store].code, day.format("%m%d"), self.orders).parse()?;
        let mut lines = Vec::new();
        let mut total = 0;
        for line in 1..=1 + self.rng.below(3) as u32 {
            let (_, price, tag) = *self.rng.pick(&MENU);
            total += price;
            lines.push(PurchaseLine { line: LineId::new(line), amount: vnd(price), tags: vec![tag.parse()?] });
        }
        let total = vnd(total);

        // Points first: the largest redemption the program allows, when the customer wants it.
        let mut pay = total;
        let mut redeemed = false;
        if let Some(account) = self.points.get(points_id(p.n)?.as_uuid()) {
            let quote = account.quote_redemption(&self.loyalty, total, t)?;
            if quote.points.get() > 0 && self.rng.chance(0.35) {
                let body =
                    PointsCommand::RedeemPoints { order: order.clone(), points: quote.points, order_total: total };
                if self.points(p.n, t, body)? {
                    pay = total.checked_sub(quote.value)?;
                    redeemed = true;
                }
            }
        }
        // Then the prepaid card, topped up when it runs short.
        let mut prepaid = false;
        if p.prepaid {
            let available =
                self.wallets.get(wallet_id(p.n)?.as_uuid()).map_or(0, |w| w.money_available().minor_units());
            if available < pay.minor_units() {
                let amount = vnd(*self.rng.pick(&[200_000, 500_000, 500_000, 1_000_000]));
                let payment = PaymentRef::new(&format!("MOMO-{:08}", self.next_command + 1))?;
                self.wallet(p.n, t, WalletCommand::TopUp { payment, amount })?;
            }
            prepaid = self.wallet(p.n, t, WalletCommand::Spend { order: order.clone(), amount: pay, tags: vec![] })?;
        }
        let mut purchase = Purchase::new(order.clone(), total, t);
        purchase.store = Some(STORES[store].code.parse::<StoreId>()?);
        purchase.channel = SalesChannel::InStore;
        self.customer(p.n, t, CustomerCommand::RecordPurchase(purchase))?;
        self.points(p.n, t, PointsCommand::EarnPoints { order: order.clone(), lines })?;

        // (No tickets in the last days: every ticket's story ends before the report.)
        let ticket = self.rng.chance(0.012) && day.ordinal() < 360;
        if ticket {
            self.raise_ticket(p, store, &order, t)?;
        }
        if self.rng.chance(0.12) {
            self.answer_survey(store, &order, t, ticket)?;
        }
        Ok(self.rng.chance(0.015).then(|| Return {
            on: day + TimeDelta::days(1 + self.rng.below(3) as i64),
            person: i,
            order,
            amount: total,
            redeemed,
            prepaid,
        }))
    }

    /// NPS and CSAT after a visit, by the store's mood (lower after a ticket).
    fn answer_survey(&mut self, store: usize, order: &OrderId, t: DateTime<Utc>, ticket: bool) -> Result<()> {
        let s = &STORES[store];
        let (promoter, detractor) = if ticket { (0.1, 0.6) } else { (s.promoter, s.detractor) };
        let u = self.rng.uniform();
        let (nps, mood) = if u < promoter {
            (9 + self.rng.below(2), 2)
        } else if u < promoter + detractor {
            (self.rng.below(7), 0)
        } else {
            (7 + self.rng.below(2), 1)
        };
        let csat = match mood {
            2 => 4 + self.rng.below(2),
            1 => 3 + self.rng.below(3),
            _ => 1 + self.rng.below(3),
        };
        let at = (t + TimeDelta::hours(2)).to_rfc3339();
        self.surveys_today.push((order.to_string(), s.code, at, nps as i64, csat as i64));
        Ok(())
    }

    /// A ticket after a visit: a message on chat, e-mail or social media, a bot's acknowledgement on chat, an
    /// agent of the store's team replying in business hours (slower at the busier stores), sometimes a follow-up,
    /// usually solved.
    fn raise_ticket(&mut self, p: Person, store: usize, order: &OrderId, t: DateTime<Utc>) -> Result<()> {
        let channel =
            *self.rng.pick(&[TicketChannel::Chat, TicketChannel::Chat, TicketChannel::Email, TicketChannel::Social]);
        let base = [25, 50, 110][store];
        let created = t + TimeDelta::minutes(30 + self.rng.below(300) as i64);
        let agent = AgentId::new(&format!("{}-{}", STORES[store].code, self.rng.below(3)))?;
        let human =
            K::AgentMessage { author: AuthorKind::Human, visibility: Visibility::Public, agent: Some(agent.clone()) };
        let mut events = vec![
            TicketEvent::new(created, K::Created { channel, requester: customer_id(p.n)?, priority: Priority::Normal }),
            TicketEvent::new(created, K::CustomerMessage),
        ];
        if channel == TicketChannel::Chat {
            let bot = K::AgentMessage { author: AuthorKind::Bot, visibility: Visibility::Public, agent: None };
            events.push(TicketEvent::new(created + TimeDelta::minutes(1), bot));
        }
        let team = Some(TeamId::new(STORES[store].code)?);
        events.push(TicketEvent::new(created + TimeDelta::minutes(2), K::Assigned { agent: Some(agent), team }));
        // Outside 08:00–20:00 the reply waits for the morning.
        let hour = created.with_timezone(&ZONE).hour();
        let start = if (8..20).contains(&hour) {
            created
        } else {
            let morning = created.with_timezone(&ZONE).date_naive() + TimeDelta::days(i64::from(hour >= 20));
            at(morning, 8 * 60)?
        };
        let mut last = start + TimeDelta::minutes(3 + self.rng.below(2 * base) as i64);
        events.push(TicketEvent::new(last, human.clone()));
        if self.rng.chance(0.3) {
            last += TimeDelta::minutes(10 + self.rng.below(240) as i64);
            events.push(TicketEvent::new(last, K::CustomerMessage));
            last += TimeDelta::minutes(5 + self.rng.below(2 * base) as i64);
            events.push(TicketEvent::new(last, human));
        }
        if self.rng.chance(0.95) {
            last += TimeDelta::minutes(5 + self.rng.below(600) as i64);
            events.push(TicketEvent::new(last, K::StatusChanged { status: Status::Solved }));
        }
        let id = format!("T-{order}");
        let ticket = Ticket::new(TicketId::new(&id)?, events)?;
        self.tickets_today.push((id, serde_json::to_string(&ticket)?));
        Ok(())
    }

    /// An order comes back at 21:30: the purchase refunded on the record, its points clawed back, points used on
    /// it and prepaid value paid for it restored.
    fn give_back(&mut self, r: Return, day: NaiveDate) -> Result<()> {
        let n = self.people[r.person].n;
        let t = at(day, 21 * 60 + 30)?;
        let refund = Refund { order_id: r.order.clone(), amount: r.amount, refunded_at: t };
        self.customer(n, t, CustomerCommand::RecordRefund(refund))?;
        self.points(n, t, PointsCommand::ReturnPurchase { order: r.order.clone(), lines: None })?;
        if r.redeemed {
            self.points(n, t, PointsCommand::RefundRedemption { order: r.order.clone(), points: None })?;
        }
        if r.prepaid {
            self.wallet(n, t, WalletCommand::RefundSpend { order: r.order, amount: None })?;
        }
        Ok(())
    }
}
