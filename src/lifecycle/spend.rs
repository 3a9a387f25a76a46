//! Gamma-Gamma spend model and customer lifetime value.
