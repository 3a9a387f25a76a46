//! Integration tests: one binary, one module per area.

#![allow(unreachable_pub)]

mod common;
mod customer;
mod customer_props;
mod money;
mod values;
