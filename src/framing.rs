//! JSON-lines framing with a hard line limit, shared by the daemon and the
//! client. A line longer than the limit is never buffered whole: the reader
//! reports it and skips to the next newline, so one bad line cannot exhaust
//! memory or desynchronise the stream.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// Outcome of reading one line.
#[derive(Debug, PartialEq, Eq)]
pub enum LineRead {
    /// A complete line is in the buffer (newline stripped).
    Line,
    /// The line exceeded the limit; its remainder was discarded.
    TooLong,
    /// The peer closed the stream. A partial line before the close is
    /// dropped: the request was never complete.
    Eof,
}

/// Reads one `\n`-terminated line of at most `max` bytes into `buf`
/// (cleared first).
pub async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<LineRead> {
    buf.clear();
    let mut too_long = false;
    loop {
        let chunk = reader.fill_buf().await?;
        if chunk.is_empty() {
            return Ok(LineRead::Eof);
        }
        let (take, done) = match memchr(chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(if done { take + 1 } else { take });
        if done {
            if too_long {
                return Ok(LineRead::TooLong);
            }
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(LineRead::Line);
        }
    }
}

fn memchr(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::BufReader;

    async fn lines(input: &[u8], max: usize) -> Vec<(LineRead, String)> {
        let mut r = BufReader::with_capacity(8, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let got = read_line(&mut r, &mut buf, max).await.unwrap();
            let eof = got == LineRead::Eof;
            out.push((got, String::from_utf8_lossy(&buf).into_owned()));
            if eof {
                return out;
            }
        }
    }

    #[tokio::test]
    async fn splits_limits_and_resyncs() {
        let got = lines(b"{\"a\":1}\r\n0123456789abcdef\nok\npartial", 10).await;
        assert_eq!(got[0], (LineRead::Line, "{\"a\":1}".into()));
        assert_eq!(got[1].0, LineRead::TooLong);
        assert_eq!(got[2], (LineRead::Line, "ok".into()));
        assert_eq!(got[3].0, LineRead::Eof);
        assert_eq!(got.len(), 4);
    }
}
