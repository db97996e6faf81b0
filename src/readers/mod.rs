//! Readers of file formats found in a WeChat container.

pub mod sqlite;
