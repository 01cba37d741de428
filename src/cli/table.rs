//! Aligned text tables for people.

/// A table with a header row. Columns are padded to their widest cell.
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> Self {
        Self {
            rows: vec![headers.iter().map(|h| (*h).to_owned()).collect()],
        }
    }

    /// Adds a row; missing cells print empty. Each cell stays on one line
    /// with anything non-printable escaped, so the columns stay aligned.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| super::printable::cell(&c).into_owned())
                .collect(),
        );
    }

    /// Renders with two spaces between columns and no trailing blanks.
    pub fn render(&self) -> String {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let width = |c: usize| {
            self.rows
                .iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..cols).map(width).collect();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (c, w) in widths.iter().enumerate() {
                let cell = row.get(c).map_or("", String::as_str);
                line.push_str(cell);
                if c + 1 < cols {
                    line.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// `-` for absent values.
pub fn or_dash(v: Option<&str>) -> String {
    v.filter(|s| !s.is_empty()).unwrap_or("-").to_owned()
}

/// Prompt counts in lifecycle order.
pub(crate) fn prompt_counts(counts: &crate::protocol::PromptCounts) -> String {
    counts_line(counts, &crate::protocol::PromptStatus::ALL)
}

/// `3 idle, 0 busy, …` for the keys in `order`, zero when absent.
pub(crate) fn counts_line<K: Ord + std::fmt::Display>(
    counts: &std::collections::BTreeMap<K, u64>,
    order: &[K],
) -> String {
    let parts: Vec<String> = order
        .iter()
        .map(|k| format!("{} {k}", counts.get(k).copied().unwrap_or(0)))
        .collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns() {
        let mut t = Table::new(&["ID", "STATUS"]);
        t.row(vec!["1".into(), "pending".into()]);
        t.row(vec!["100".into(), "é".into()]);
        assert_eq!(t.render(), "ID   STATUS\n1    pending\n100  é\n");
    }
}
