#![allow(dead_code)] // Shared with the stored-value tests; not every helper is used by every module.

//! Shared test helpers.

pub(crate) mod aggregate;
pub(crate) mod ledger_strategies;
