//! Helpers shared by the integration tests. Each test file uses only some of
//! them, so the rest would be dead code in that file's crate.
#![allow(dead_code)]

pub mod pty;
