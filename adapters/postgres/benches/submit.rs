//! Commands per second through `host::Host::submit` into PostgreSQL (the server at `CUSTOMER_CARE_PG_URL`, a
//! schema of its own): 1,000 points accounts, one stream each, deadlines kept; one command per append, and
//! batches of 10 commands appended at once (the testkit's `bench_submit`). `adapters/postgres/bench.sh` runs it
//! beside `pgbench` on the same server. Without a server it says so and measures nothing.

use criterion::{Criterion, criterion_group, criterion_main};
use customer_care_postgres::Database;
use customer_care_storage::testkit::bench_submit;

fn submit(c: &mut Criterion) {
    let Ok(url) = std::env::var("CUSTOMER_CARE_PG_URL") else {
        eprintln!("skipped: set CUSTOMER_CARE_PG_URL to a PostgreSQL server (adapters/postgres/bench.sh starts one)");
        return;
    };
    let db = Database::connect_in_schema(&url, &format!("bench_{}", std::process::id())).unwrap();
    bench_submit(c, "postgres", &db);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = submit
}
criterion_main!(benches);
