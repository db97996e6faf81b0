//! Fuzz target: wechat_inspect::fuzzing::url_cache_db (see that module for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wechat_inspect::fuzzing::url_cache_db(data);
});
