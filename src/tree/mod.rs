//! Reading the tree: find the roots, walk every entry in parallel, place and type each
//! file, and fold them into the report; then hand the databases and plists it found to
//! the metadata pass.

pub mod aggregate;
pub mod classify;
pub mod locate;
pub mod progress;
pub mod scan;
pub mod sniff;
pub mod walk;
