//! The queue as the engine reads it ([`Queued`] rows): the routing columns
//! of the pending prompts, highest priority then oldest, and whether each
//! text spans lines, computed by SQLite so that no text is read.

use rusqlite::{OptionalExtension, Row};

use super::Store;
use crate::error::StoreError;
use crate::model::Queued;

/// The columns [`queued_from_row`] reads, in order. `multi_line` is
/// whether a newline is left once the blanks that end the text are
/// trimmed: spaces, tabs and newlines, which a shell pane skips (the other
/// ASCII blanks, CR, vertical tab and form feed, are control characters,
/// refused before a text is stored). Other whitespace, such as U+00A0 or
/// U+2028, is a word to a shell, so a line holding it is a command run by
/// itself (`route/mod.rs`): it is not trimmed, as SQLite's `rtrim` trims
/// only the characters it is given, where Rust's `trim_end` would trim it.
const QUEUE_COLUMNS: &str = concat!(
    "id, priority, ",
    routing_columns!(),
    ", env_vars, prerequisites, timeout_minutes, retry_count, ",
    deps_sql!(),
    ", instr(rtrim(content, ' ' || char(9, 10, 11, 12, 13)), char(10)) > 0, waiting_reason"
);

impl Store {
    /// The pending prompts, highest priority then oldest.
    pub fn queue(&self) -> Result<Vec<Queued>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {QUEUE_COLUMNS} FROM prompts WHERE status = 'pending' \
                 ORDER BY priority DESC, id ASC"
            ))
            .map_err(StoreError::sqlite("reading the queue"))?;
        let rows = stmt
            .query_map([], queued_from_row)
            .map_err(StoreError::sqlite("reading the queue"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite("reading the queue"))
    }

    /// Prompt `id` as [`Store::queue`] reads it, if it is pending.
    pub fn queued(&self, id: i64) -> Result<Option<Queued>, StoreError> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {QUEUE_COLUMNS} FROM prompts WHERE id = ?1 AND status = 'pending'"
                ),
                [id],
                queued_from_row,
            )
            .optional()
            .map_err(StoreError::sqlite("reading a prompt"))
    }
}

fn queued_from_row(row: &Row<'_>) -> rusqlite::Result<Queued> {
    Ok(Queued {
        id: row.get(0)?,
        priority: u8::try_from(row.get::<_, i64>(1)?.clamp(0, 10)).unwrap_or(10),
        routing: super::row::routing_from_row(row, 2)?,
        env: super::row::parse_or_default(row.get(9)?),
        prereqs: super::row::parse_or_default(row.get(10)?),
        timeout_minutes: row.get::<_, Option<i64>>(11)?.map(super::u32_from),
        retry_count: super::u32_from(row.get(12)?),
        after: super::row::parse_or_default(row.get(13)?),
        multi_line: row.get(14)?,
        waiting_reason: row.get(15)?,
    })
}

#[cfg(test)]
mod tests {
    use crate::model::Routing;
    use crate::protocol::NewPrompt;
    use crate::store::Store;

    /// What [`super::QUEUE_COLUMNS`] trims from the end of a text before
    /// it looks for a newline.
    const SHELL_BLANKS: [char; 6] = [' ', '\t', '\n', '\u{b}', '\u{c}', '\r'];

    /// Queues each text and checks that the store reads it as spanning
    /// lines as expected, and that SQLite and [`SHELL_BLANKS`] agree.
    fn check(cases: &[(&str, bool)]) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("assigner.db")).unwrap();
        for &(text, multi) in cases {
            let id = store
                .insert_prompt(&NewPrompt {
                    text: text.into(),
                    ..NewPrompt::default()
                })
                .unwrap();
            let q = store.queued(id).unwrap().unwrap();
            assert_eq!(q.multi_line, multi, "{text:?}");
            let trimmed = text.trim_end_matches(SHELL_BLANKS);
            assert_eq!(q.multi_line, trimmed.contains('\n'), "{text:?}");
        }
        assert_eq!(store.queue().unwrap().len(), cases.len());
    }

    #[test]
    fn a_text_is_multi_line_when_a_line_follows_its_first_trailing_blanks_aside() {
        check(&[
            ("echo one", false),
            ("echo one\n", false),
            ("echo one\n\n \t\n", false),
            ("echo one\necho two", true),
            ("echo one\n\techo two\n", true),
            ("\nafter a blank first line", true),
        ]);
    }

    /// A line holding only non-ASCII whitespace is a command to a shell
    /// pane (for U+2028, `bash: line 2: $'\342\200\250': command not
    /// found`), so the text spans lines, though Rust's `trim_end` would
    /// trim that line away.
    #[test]
    fn a_line_of_unicode_whitespace_after_a_newline_is_a_line() {
        let lines = [
            "echo one\n\u{a0}",
            "echo one\n\u{2028}",
            "echo one\n\u{3000} \n",
            "echo one\n\u{2029}\t",
        ];
        assert!(lines.iter().all(|t| !t.trim_end().contains('\n')));
        check(&lines.map(|t| (t, true)));
        // No newline: a shell reads one line, whatever else it holds.
        check(&[
            ("echo one\u{2028}echo two", false),
            ("echo one \u{a0}\u{2028}", false),
        ]);
    }

    /// The queue, `show` and the lists read the same routing and context
    /// columns, each list in its own order.
    #[test]
    fn every_view_reads_a_prompt_as_it_was_queued() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("assigner.db")).unwrap();
        let first = NewPrompt {
            text: "first".into(),
            ..NewPrompt::default()
        };
        let first = store.insert_prompt(&first).unwrap();
        let sent = NewPrompt {
            text: "fix it".into(),
            target: Some("dev".into()),
            provider: Some("claude".into()),
            providers: vec!["codex".into()],
            fallback: vec!["gemini".into()],
            allow_fallback: true,
            working_dir: Some("/src".into()),
            branch: Some("main".into()),
            env: [("CI".to_owned(), "1".to_owned())].into(),
            prereqs: vec!["git pull".into()],
            timeout_minutes: Some(30),
            after: vec![first],
            ..NewPrompt::default()
        };
        let id = store.insert_prompt(&sent).unwrap();
        let routing = Routing {
            target: sent.target.clone(),
            provider: sent.provider.clone(),
            providers: sent.providers.clone(),
            fallback: sent.fallback.clone(),
            allow_fallback: true,
            working_dir: sent.working_dir.clone(),
            branch: sent.branch.clone(),
        };
        let q = store.queued(id).unwrap().unwrap();
        assert_eq!(q.routing, routing);
        assert_eq!((&q.env, &q.prereqs), (&sent.env, &sent.prereqs));
        assert_eq!((q.timeout_minutes, &q.after), (Some(30), &sent.after));
        let shown = store.prompt(id).unwrap().summary;
        let listed = store.list_prompts(None, None).unwrap().remove(0);
        assert_eq!(listed, shown);
        assert_eq!(shown.routing, routing);
        assert_eq!((&shown.env, &shown.prereqs), (&sent.env, &sent.prereqs));
        assert_eq!(
            (shown.timeout_minutes, &shown.after),
            (Some(30), &sent.after)
        );
    }
}
