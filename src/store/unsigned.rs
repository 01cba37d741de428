//! SQLite keeps every integer signed; the API's counts, limits and marks are
//! unsigned. A stored value out of the API's range (a row written by hand,
//! or by an older build) reads as the nearest value the API holds, never as
//! a wrapped one: a count of -1 is 0, not 18 quintillion.

/// A stored count or mark: negative reads as 0.
pub fn u64_from(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// A stored retry count, limit or timeout: negative reads as 0, and past
/// `u32::MAX` as `u32::MAX`.
pub fn u32_from(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// An unsigned mark as SQLite stores it: past `i64::MAX` as `i64::MAX`.
pub fn i64_from(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_values_saturate_instead_of_wrapping() {
        assert_eq!(u64_from(-1), 0);
        assert_eq!(u64_from(i64::MAX), i64::MAX.unsigned_abs());
        assert_eq!(u32_from(-5), 0);
        assert_eq!(u32_from(7), 7);
        assert_eq!(u32_from(i64::from(u32::MAX) + 1), u32::MAX);
        assert_eq!(i64_from(u64::MAX), i64::MAX);
        assert_eq!(i64_from(42), 42);
    }
}
