//! The control socket under bad and crowded input: malformed and oversized
//! lines, connection slots, and prompt text carried byte for byte.

mod bad_input;
mod slots;
mod text;
