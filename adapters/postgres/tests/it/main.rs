//! The PostgreSQL adapter against a real server: the conformance kit, the outbox, the deadline scheduler,
//! concurrent processes, a connection killed mid-append, typed errors.
//!
//! The server comes from `CUSTOMER_CARE_PG_URL` (`adapters/ci.sh` starts one). Without it every test says why it
//! is skipped and passes, unless `CUSTOMER_CARE_PG_REQUIRED` is set (as in CI), when it fails.

#[cfg(feature = "tokio")]
mod asynchronous;
mod common;
mod concurrency;
mod conformance;
mod crash;
mod deadlines;
mod errors;
