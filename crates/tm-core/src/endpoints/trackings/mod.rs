//! `/trackings` calls.
