//! Rust source as the tokens an import graph needs: identifiers, `::`,
//! punctuation and string literals (kept whole, for `#[path = "…"]`), with
//! comments, numbers, character literals and lifetimes dropped, so a path
//! written in a doc comment or a string never counts as an import.

/// Splits `src` into tokens.
pub fn tokens(src: &str) -> Vec<String> {
    let s: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let next = s.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i = block_comment_end(&s, i);
        } else if c == '"' {
            let end = string_end(&s, i + 1);
            out.push(s[i..end].iter().collect());
            i = end;
        } else if c == '\'' {
            i = quote_end(&s, i);
        } else if c.is_ascii_digit() {
            while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == '_') {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < s.len() && (s[i].is_alphanumeric() || s[i] == '_') {
                i += 1;
            }
            let word: String = s[start..i].iter().collect();
            match (word.as_str(), s.get(i)) {
                ("r" | "br", Some('"' | '#')) if raw_string_start(&s, i) => {
                    i = raw_string_end(&s, i);
                    out.push("\"\"".into());
                }
                ("r", Some('#')) => i += 1, // a raw identifier: the word follows
                ("b" | "c", Some('"')) => {
                    i = string_end(&s, i + 1);
                    out.push("\"\"".into());
                }
                _ => out.push(word),
            }
        } else if c == ':' && next == Some(':') {
            out.push("::".into());
            i += 2;
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

/// Past the end of a (nested) block comment starting at `i`.
fn block_comment_end(s: &[char], mut i: usize) -> usize {
    let mut depth = 0;
    while i < s.len() {
        if s[i] == '/' && s.get(i + 1) == Some(&'*') {
            depth += 1;
            i += 2;
        } else if s[i] == '*' && s.get(i + 1) == Some(&'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                break;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// Past the closing quote of a string whose text starts at `i`.
fn string_end(s: &[char], mut i: usize) -> usize {
    while i < s.len() && s[i] != '"' {
        i += if s[i] == '\\' { 2 } else { 1 };
    }
    i + 1
}

/// Whether `#…#"` (or `"`) at `i` opens a raw string.
fn raw_string_start(s: &[char], mut i: usize) -> bool {
    while s.get(i) == Some(&'#') {
        i += 1;
    }
    s.get(i) == Some(&'"')
}

/// Past the end of a raw string whose hashes (or quote) start at `i`.
fn raw_string_end(s: &[char], mut i: usize) -> usize {
    let mut hashes = 0;
    while s[i] == '#' {
        hashes += 1;
        i += 1;
    }
    i += 1;
    while i < s.len() {
        if s[i] == '"' && (1..=hashes).all(|k| s.get(i + k) == Some(&'#')) {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// Past a character literal or a lifetime starting at the quote at `i`.
fn quote_end(s: &[char], i: usize) -> usize {
    if s.get(i + 1) == Some(&'\\') {
        let mut j = i + 3;
        while j < s.len() && s[j] != '\'' {
            j += 1;
        }
        return j + 1;
    }
    if s.get(i + 2) == Some(&'\'') {
        return i + 3;
    }
    let mut j = i + 1;
    while j < s.len() && (s[j].is_alphanumeric() || s[j] == '_') {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::tokens;

    #[test]
    fn comments_strings_chars_and_lifetimes_are_not_paths() {
        let src = r##"
            // use crate::daemon::Settings;
            /* crate::engine /* nested */ crate::cli */
            let s = "crate::store::Store"; let r = r#"super::x"#;
            let c = '"'; let q = '\''; fn f<'a>(x: &'a str) {}
            use crate::model::Phase;
        "##;
        let t = tokens(src);
        let joined = t.join(" ");
        assert!(!joined.contains("daemon"), "{joined}");
        assert!(!joined.contains("engine"), "{joined}");
        assert!(!joined.contains("super"), "{joined}");
        assert!(joined.contains("use crate :: model :: Phase ;"), "{joined}");
    }
}
