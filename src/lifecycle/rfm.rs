//! RFM scores and segments.
