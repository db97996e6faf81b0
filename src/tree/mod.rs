//! Reading the tree: find the roots, walk every entry in parallel, place and type each
//! file, and fold them into the report; then hand the databases and plists it found to
//! the metadata pass.

pub(crate) mod aggregate;
pub mod classify;
pub(crate) mod folders;
pub(crate) mod list;
pub(crate) mod locate;
pub(crate) mod progress;
pub(crate) mod scan;
pub(crate) mod sniff;
pub(crate) mod stores;
pub(crate) mod walk;
