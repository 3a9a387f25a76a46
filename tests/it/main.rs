//! Integration tests: one binary, one module per area.

#![allow(unreachable_pub)]

mod common;
mod customer;
mod customer_props;
mod host;
mod metrics;
mod money;
mod sqlite;
mod values;
mod placeholder {}
mod calendar;
mod service;
mod lifecycle;
