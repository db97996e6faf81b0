//! Fuzz target: wechat_inspect::fuzzing::sqlite_header (see that module for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wechat_inspect::fuzzing::sqlite_header(data);
});
