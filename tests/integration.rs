//! The one integration-test binary: the CLI run against containers built in temp dirs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod util;

mod browse;
mod browser;
mod chats;
mod classification;
mod cli;
mod diff;
mod dupes;
mod formats;
mod harden;
mod hostile;
mod hosts;
mod install;
mod keyed;
mod metadata;
mod nowrite;
mod plan;
mod real_shapes;
mod redact;
mod sample;
