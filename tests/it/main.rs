//! Integration tests: one binary, one module per area.

#![allow(unreachable_pub)]

mod calendar;
mod care;
mod common;
mod config;
mod customer;
mod customer_props;
mod edges;
mod errors;
mod fuzz_regressions;
mod host;
mod lifecycle;
mod lifecycle_bgbb;
mod lifecycle_horizons;
mod loyalty;
mod metrics;
mod money;
mod receipts;
mod service;
mod sim;
mod time_oracle;
mod values;
mod wallet;
mod wallet_trust;
mod wire;
mod wire_config;
mod wire_streams;
