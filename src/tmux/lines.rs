//! The text of a capture as the engine reads it: trailing blank lines
//! dropped first, so that a half-empty screen still yields its last
//! written lines. Shared by both paths to tmux, apart from either.

/// `lines` without the blank ones at the end.
pub(super) fn trim_trailing_blank<'a>(lines: &'a [&'a str]) -> &'a [&'a str] {
    let end = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1);
    &lines[..end]
}

/// The last `n` lines after trailing blank lines are dropped.
pub(super) fn bottom_lines(text: &str, n: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let kept = trim_trailing_blank(&all);
    kept[kept.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bottom_lines_trims_then_takes_tail() {
        assert_eq!(bottom_lines("a\nb\nc\n\n  \n\n", 2), "b\nc");
        assert_eq!(bottom_lines("a\n\nb\n", 10), "a\n\nb");
        assert_eq!(bottom_lines("\n\n", 3), "");
    }
}
