//! customer-care
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

pub mod customer;
pub mod error;
pub mod id;
pub mod ledger;
pub mod loyalty;
pub mod money;
pub mod stream;
pub mod wallet;

pub use error::Error;
pub use id::{AccountId, CommandId, CustomerId, HoldId, IdError, IdKind, OrderId, PaymentRef, StoreId};
pub use loyalty::{LoyaltyError, LoyaltyProgram, Points, PointsAccount, PointsCommand, PointsEvent};
pub use money::{Currency, Money, MoneyError, Rounding};
pub use stream::{Aggregate, Command, Commit, Decision, StreamError};
pub use wallet::{StoredValueAccount, StoredValueProgram, WalletCommand, WalletError, WalletEvent};
