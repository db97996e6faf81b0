//! wechat-inspect: a read-only map of a WeChat for macOS data container.
//!
//! The source tree is the pipeline, one folder per stage:
//!
//! | module | stage | what lives there |
//! |---|---|---|
//! | [`cli`] → [`config`] | the command line | clap types, then the validated [`config::Config`] |
//! | [`commands`] | glue | one file per command: roots → tree → readers → model → render, `-o` writing, exit codes |
//! | [`tree`] | reading the tree | [`tree::locate`] finds the roots → [`tree::walk`] visits every entry in parallel → [`tree::classify`] and [`tree::sniff`] place and type each file → [`tree::aggregate`] folds them into the report ([`tree::scan`] runs it all) |
//! | [`readers`] | reading one file's insides | SQLite header, WAL and read-only view, plist, `.dat`, binary cookies, URL cache, HTTP storage, the `--names` file; [`readers::describe`] turns the databases and plists the walk found into report entries |
//! | [`model`] | the report | the [`model::Report`], `hosts` and `dupes` report types, accounts and chats across versions, chat names, `diff`, `--redact`; pure |
//! | [`plan`] | decide | risk tiers over the folder tree: what a clean-up could move and free, the findings, the script; pure but for listing a folder on demand |
//! | [`dupes`] | duplicate content | size groups → head + tail sample → full hash, read-only |
//! | [`render`] | output | every format of every report (table, JSON, CSV, HTML, hosts, diff and dupes views) on a `&mut dyn Write` |
//!
//! [`escape`] (printable names), [`error`], [`exit`] and [`threads`] (threads the system
//! may refuse) are shared by all stages. Only `tree`, `readers`, `dupes` and `commands`
//! touch the filesystem, and nothing ever writes under a scanned folder.
//!
//! Most modules are crate-private; read these docs with
//! `cargo doc --document-private-items`, where every link below resolves.

// The lib exists for the binary and the tests; its docs link freely into
// crate-private modules (see above).
#![allow(rustdoc::private_intra_doc_links)]

pub mod browse;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dupes;
pub mod error;
pub mod escape;
pub mod exit;
#[doc(hidden)]
pub mod fuzzing;
pub mod model;
pub mod plan;
pub mod readers;
pub mod render;
pub mod threads;
pub mod tree;
