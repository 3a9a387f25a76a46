//! The SQLite adapter against the host's contract, with real files and real processes.

mod common;
mod concurrency;
mod conformance;
mod crash;
mod deadlines;
mod errors;
