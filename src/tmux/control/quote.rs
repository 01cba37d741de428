//! Quoting one argument for tmux's command parser, so that any text a
//! prompt may hold reaches a command exactly: a control client writes whole
//! command lines, and the parser would otherwise expand `$VAR` and `~`,
//! split on `;`, and end the command at a newline.
//!
//! Inside double quotes the parser turns `\ooo` into that byte (tmux 3.0
//! and later); every byte other than plain ASCII letters, digits and a few
//! safe marks is written that way, multibyte UTF-8 included, byte by byte.

/// `arg` as one double-quoted argument.
pub fn quote(arg: &[u8]) -> String {
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('"');
    for &b in arg {
        if b.is_ascii_alphanumeric() || b" ,.:/_-=+@%".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('\\');
            out.push(char::from(b'0' + (b >> 6)));
            out.push(char::from(b'0' + ((b >> 3) & 7)));
            out.push(char::from(b'0' + (b & 7)));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn plain_text_stays_readable_and_the_rest_is_octal() {
        assert_eq!(quote(b"fix the test"), "\"fix the test\"");
        assert_eq!(quote(b"a\nb"), "\"a\\012b\"");
        assert_eq!(
            quote(b"$HOME ~ \"q\" \\ ;"),
            "\"\\044HOME \\176 \\042q\\042 \\134 \\073\""
        );
        assert_eq!(quote("é".as_bytes()), "\"\\303\\251\"");
        assert_eq!(quote(b""), "\"\"");
        // One line whatever the text: the control client's command ends at
        // a newline.
        let all: Vec<u8> = (1..=255u8).collect();
        assert!(!quote(&all).contains('\n'));
    }
}
