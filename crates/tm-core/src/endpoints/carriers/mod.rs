//! `/carriers` calls.
