//! Test transports (feature `test-util`).
