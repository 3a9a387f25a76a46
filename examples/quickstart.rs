//! A small café registers customers, records purchases and a refund, and prints what it knows: activity,
//! consent, the week's birthdays and anniversaries, likely duplicate records, and an erasure.
//!
//! Run with `cargo run --example quickstart`.

use std::collections::BTreeMap;
use std::error::Error;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use customer_care::customer::{
    Channel, Customer, CustomerCommand, LeapDayPolicy, NewProfile, OccasionKind, OccasionWindow, Purchase, Purpose,
    Refund, Region, SalesChannel, duplicate_groups, occasions_between,
};
use customer_care::host::{Host, ManualClock, MemoryStore};
use customer_care::{CommandId, CustomerId, Money, StoreId};

/// The café's host: the crate's host loop over an in-memory store, the latest state of each customer, and a
/// counter standing in for its id generator. The clock is set per event, because the example replays a month.
struct Cafe {
    host: Host<MemoryStore, ManualClock>,
    customers: BTreeMap<CustomerId, Customer>,
    next_command: u128,
}

impl Cafe {
    /// Load → decide → append (expected version) → apply, in one call.
    fn submit(&mut self, customer: CustomerId, at: DateTime<Utc>, body: CustomerCommand) -> Result<(), Box<dyn Error>> {
        self.next_command += 1;
        self.host.clock_mut().set(at);
        let state = self.customers.entry(customer).or_insert_with(|| Customer::new(customer));
        let submitted = self.host.submit(state, &(), CommandId::from_u128(self.next_command)?, body)?;
        if submitted.outcome.is_duplicate() {
            println!("  (duplicate of version {})", submitted.commit().version);
        }
        Ok(())
    }

    /// A customer rebuilt from the store, as a stateless service would.
    fn load(&self, customer: CustomerId) -> Result<Customer, Box<dyn Error>> {
        Ok(self.host.load(Customer::new(customer))?)
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let zone = chrono_tz::Asia::Ho_Chi_Minh;
    let day = |d: u32, h: u32| zone.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap().with_timezone(&Utc);
    let mut host = Cafe {
        host: Host::new(MemoryStore::default(), ManualClock::new(day(1, 9))),
        customers: BTreeMap::new(),
        next_command: 0,
    };
    let store: StoreId = "HCM-Q1".parse()?;

    println!("== Registering customers");
    let people = [
        (1, "Nguyễn Thị Lan", "0903 123 456", Some("lan.nguyen@example.vn"), "1990-11-26"),
        (2, "Trần Văn Minh", "+84 91 234 5678", None, "--11-29"),
        (3, "Lê Hoàng Anh", "028 3823 4567", Some("anh.le@example.com"), "1985-06-02"),
        // A second record for Lan, typed differently at another till.
        (4, "Lan Nguyen", "+84903123456", Some("LAN.NGUYEN@EXAMPLE.VN"), "1990-11-26"),
    ];
    let mut ids = Vec::new();
    for (n, name, phone, email, birthday) in people {
        let id = CustomerId::from_u128(n)?;
        ids.push(id);
        let mut profile = NewProfile::default().full_name(name)?.phone(phone, Region::VN)?;
        if let Some(email) = email {
            profile = profile.email(email)?;
        }
        host.submit(id, day(1, 9), CustomerCommand::Register { profile: profile.build(), registered_at: None })?;
        host.submit(
            id,
            day(1, 9),
            CustomerCommand::SetImportantDate { kind: OccasionKind::Birthday, date: birthday.parse()? },
        )?;
        host.submit(
            id,
            day(1, 9),
            CustomerCommand::GrantConsent {
                channel: Channel::Sms,
                purpose: Purpose::Service,
                source: Some("till signup".parse()?),
            },
        )?;
        println!("  {name:<16} {}", host.load(id)?.profile().phones[0]);
    }
    host.submit(
        ids[0],
        day(1, 9),
        CustomerCommand::GrantConsent {
            channel: Channel::ChatApp,
            purpose: Purpose::Marketing,
            source: Some("Zalo OA follow".parse()?),
        },
    )?;

    println!("\n== Recording purchases");
    let sales: [(usize, &str, &str, u32); 6] = [
        (0, "HD-1001", "85000 VND", 3),
        (1, "HD-1002", "45000 VND", 4),
        (0, "HD-1003", "120000 VND", 10),
        (2, "HD-1004", "250000 VND", 12),
        (0, "HD-1005", "65000 VND", 18),
        (1, "HD-1006", "90000 VND", 20),
    ];
    for (who, order, amount, d) in sales {
        let mut purchase = Purchase::new(order.parse()?, amount.parse::<Money>()?, day(d, 8));
        purchase.store = Some(store.clone());
        purchase.channel = SalesChannel::InStore;
        host.submit(ids[who], day(d, 8), CustomerCommand::RecordPurchase(purchase))?;
        println!("  {order}  {amount:>11}  customer {}", who + 1);
    }
    let refund = Refund { order_id: "HD-1004".parse()?, amount: "50000 VND".parse()?, refunded_at: day(13, 10) };
    host.submit(ids[2], day(13, 10), CustomerCommand::RecordRefund(refund))?;
    println!("  refund HD-1004  50000 VND");

    let as_of = day(23, 9);
    println!("\n== What the shop knows on {}", as_of.with_timezone(&zone).format("%d/%m/%Y"));
    for &id in &ids {
        let c = host.load(id)?;
        let s = c.activity_summary(as_of);
        let name = c.profile().full_name.as_ref().map_or("-", |n| n.as_str());
        match s.spend.first() {
            Some(spend) => println!(
                "  {name:<16} {} order{}, net {}, average {}, last visit {} days ago, marketing by: {}",
                s.orders,
                if s.orders == 1 { "" } else { "s" },
                spend.net,
                spend.average_order_value,
                s.since_last_purchase.unwrap_or(TimeDelta::zero()).num_days(),
                c.consents().channels_for(Purpose::Marketing).map(|ch| ch.to_string()).collect::<Vec<_>>().join(", "),
            ),
            None => println!("  {name:<16} no purchases yet"),
        }
    }

    println!("\n== Occasions in the coming week");
    let customers: Vec<Customer> = ids.iter().map(|&id| host.load(id)).collect::<Result<_, _>>()?;
    let window = OccasionWindow::starting(as_of, 7, zone)?;
    for o in occasions_between(&customers, &window, LeapDayPolicy::February28) {
        let c = customers.iter().find(|c| c.id() == o.customer_id).ok_or("unknown customer")?;
        let name = c.profile().greeting_name().map_or("-", |n| n.as_str());
        let years = o.years.map(|y| format!(" ({y})")).unwrap_or_default();
        println!("  {}  {name:<16} {:?}{years}", o.date.format("%d/%m"), o.kind);
    }

    println!("\n== Possible duplicate records");
    for group in duplicate_groups(&customers) {
        let members: Vec<String> = group
            .customers
            .iter()
            .filter_map(|id| customers.iter().find(|c| c.id() == *id))
            .map(|c| c.profile().full_name.as_ref().map_or_else(|| c.id().to_string(), |n| n.to_string()))
            .collect();
        let kind = match group.key {
            customer_care::customer::MatchKey::Phone(_) => "same phone",
            _ => "same e-mail",
        };
        println!("  {kind}: {}", members.join(" & "));
    }

    println!("\n== Customer 4 asks to be forgotten");
    host.submit(ids[3], day(23, 9), CustomerCommand::Erase)?;
    let erased = host.load(ids[3])?;
    println!(
        "  status {:?}, name {:?}, phones {}",
        erased.status(),
        erased.profile().full_name,
        erased.profile().phones.len()
    );
    let json = serde_json::to_string(&erased)?;
    println!("  serialized state: {} bytes, mentions \"Lan\": {}", json.len(), json.contains("Lan"));
    Ok(())
}
