//! How long a client may take over a request line. Silence between
//! requests is bounded by `idle_timeout_secs`; a line is bounded more
//! tightly by `line_timeout_secs`, from the connection's start for the
//! first line and from its first byte for later ones, so that half-sent
//! requests cannot hold connection slots (`assigner.toml(5)`).

use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use tokio::time::{Duration, Instant, timeout, timeout_at};

use crate::framing::{LineRead, read_line};
use crate::protocol::MAX_LINE_BYTES;

/// The outcome of waiting for the next line.
pub enum Next {
    /// A line (or its absence) as framing read it.
    Read(LineRead),
    /// No new line began within the idle timeout.
    Idle,
    /// The line was not complete by its deadline.
    Slow,
    /// Reading failed.
    Failed(std::io::Error),
}

/// Reads the next line into `buf`. With `idle`, the line may begin
/// within that long and must then be complete within `line`; without,
/// it must be complete by `deadline`.
pub async fn next_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    idle: Option<Duration>,
    line: Duration,
    deadline: Instant,
) -> Next {
    let deadline = match idle {
        None => deadline,
        Some(idle) => match timeout(idle, reader.fill_buf()).await {
            Err(_) => return Next::Idle,
            Ok(Err(e)) => return Next::Failed(e),
            Ok(Ok(_)) => Instant::now() + line,
        },
    };
    match timeout_at(deadline, read_line(reader, buf, MAX_LINE_BYTES)).await {
        Err(_) => Next::Slow,
        Ok(Err(e)) => Next::Failed(e),
        Ok(Ok(read)) => Next::Read(read),
    }
}
