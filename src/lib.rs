//! wechat-inspect: a read-only map of a WeChat for macOS data container.

pub mod meta;
