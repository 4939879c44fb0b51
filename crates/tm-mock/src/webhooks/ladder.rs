//! The retry ladder of CONTRACT §5: up to 14 retries, the n-th `2^n × 30 s` after the previous attempt.

/// Retries after the first attempt.
pub const MAX_RETRIES: u32 = 14;

/// Delay before retry `n` (1-based), seconds.
pub(crate) fn retry_delay(n: u32) -> i64 {
    30 * (1i64 << n.min(MAX_RETRIES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ladder_matches_the_contract() {
        assert_eq!(retry_delay(1), 60);
        assert_eq!(retry_delay(2), 120);
        assert_eq!(retry_delay(14), 491_520);
        let total: i64 = (1..=MAX_RETRIES).map(retry_delay).sum();
        assert_eq!(total, 30 * ((1 << 15) - 2));
    }
}
