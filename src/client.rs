//! A blocking-free client for the control socket, used by `assignerctl`
//! and by the integration tests.

use std::path::{Path, PathBuf};

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};

use crate::framing::{LineRead, read_line};
use crate::protocol::{
    ErrorKind, MAX_RESPONSE_BYTES, PROTOCOL_VERSION, Reply, Request, Response, WireError,
};

/// Why a request could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing answers on the socket.
    #[error("cannot connect to assignerd at {}: {source}", path.display())]
    Connect {
        /// The socket tried.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The connection broke mid-exchange.
    #[error("connection to assignerd lost: {0}")]
    Io(#[from] std::io::Error),
    /// The daemon sent something that is not a response.
    #[error("unexpected answer from assignerd (daemon/client version mismatch?): {0}")]
    Protocol(String),
    /// The daemon answered with an error.
    #[error("{}", .0.message)]
    Daemon(WireError),
    /// No answer within the request deadline: the daemon is stopped,
    /// hung or overloaded, or something else holds the socket.
    #[error(
        "assignerd at {} did not answer within {} s; is it stopped or hung? \
         (--request-timeout SECS waits longer){}",
        path.display(),
        after.as_secs(),
        if *sent {
            "; the request was sent and may still be carried out: check before repeating it"
        } else {
            ""
        }
    )]
    Timeout {
        /// The socket tried.
        path: PathBuf,
        /// The deadline that passed.
        after: std::time::Duration,
        /// Whether the request itself had reached the socket (the daemon
        /// may act on it later) or only the connection and handshake.
        sent: bool,
    },
}

impl ClientError {
    /// The wire kind this error corresponds to, for exit codes.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Connect { .. } | Self::Io(_) | Self::Timeout { .. } => ErrorKind::Unavailable,
            Self::Protocol(_) => ErrorKind::Internal,
            Self::Daemon(e) => e.kind,
        }
    }
}

/// An open connection.
pub struct Client {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    buf: Vec<u8>,
}

impl Client {
    /// Connects and performs the version handshake.
    pub async fn connect(path: &Path) -> Result<Self, ClientError> {
        let stream = UnixStream::connect(path)
            .await
            .map_err(|source| ClientError::Connect {
                path: path.to_owned(),
                source,
            })?;
        let (r, w) = stream.into_split();
        let mut client = Self {
            reader: BufReader::new(r),
            writer: w,
            buf: Vec::new(),
        };
        let hello = Request::Hello {
            version: PROTOCOL_VERSION,
            client: Some(format!("assignerctl {}", env!("CARGO_PKG_VERSION"))),
        };
        client.call(&hello).await?;
        Ok(client)
    }

    /// Sends one request and waits for its response.
    pub async fn call(&mut self, req: &Request) -> Result<Reply, ClientError> {
        if let Err(e) = self.send(req).await {
            // The daemon may have refused us before reading anything (for
            // example `forbidden`): its answer is still in the socket.
            return match self.next().await {
                Err(ClientError::Daemon(refusal)) => Err(ClientError::Daemon(refusal)),
                _ => Err(e),
            };
        }
        self.next().await
    }

    /// Sends a request without waiting.
    pub async fn send(&mut self, req: &Request) -> Result<(), ClientError> {
        let mut line =
            serde_json::to_string(req).map_err(|e| ClientError::Protocol(e.to_string()))?;
        line.push('\n');
        self.writer.write_all(line.as_bytes()).await?;
        Ok(())
    }

    /// Reads the next response line (for `watch`, the next event).
    pub async fn next(&mut self) -> Result<Reply, ClientError> {
        match read_line(&mut self.reader, &mut self.buf, MAX_RESPONSE_BYTES).await? {
            LineRead::Line => {}
            LineRead::Eof => {
                return Err(ClientError::Io(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the daemon closed the connection",
                )));
            }
            LineRead::TooLong => {
                return Err(ClientError::Protocol("response line too long".into()));
            }
        }
        match serde_json::from_slice::<Response>(&self.buf) {
            Ok(Response::Ok(reply)) => Ok(reply),
            Ok(Response::Err(e)) => Err(ClientError::Daemon(e)),
            Err(e) => Err(ClientError::Protocol(format!(
                "{e}: {}",
                String::from_utf8_lossy(&self.buf)
            ))),
        }
    }
}
