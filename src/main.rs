//! The orgtop binary: everything lives in the library; this only runs it.

use std::process::ExitCode;

fn main() -> ExitCode {
    orgtop::cli::main()
}
