//! What the store's SQL shares: the database's "now", and how list and
//! map columns are written.

/// SQL expression for "now" as RFC 3339 UTC with milliseconds.
pub(crate) const NOW: &str = now_sql!();

/// Serializes a list or map column.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}
