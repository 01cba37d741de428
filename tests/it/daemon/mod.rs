//! `assignerd` as a process: its config, start and stop, the socket's group,
//! storage it cannot use, readiness and watchdog notices, log fields.

mod config;
mod lifecycle;
mod log_fields;
mod notify;
mod socket_group;
mod storage;
