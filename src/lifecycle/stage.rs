//! Lifecycle stages from readable rules.
