//! Integration tests: one binary, one module per area.

#![allow(unreachable_pub)]

mod common;
mod customer;
mod customer_props;
mod metrics;
mod money;
mod values;
