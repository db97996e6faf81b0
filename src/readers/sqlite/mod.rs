//! SQLite and SQLCipher databases read page by page, in memory only.

pub mod btree;
pub mod cipher;
pub mod describe;
pub mod keyfile;
pub mod pages;
