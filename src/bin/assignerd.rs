//! assignerd: the assigner daemon. All logic lives in the library.

use clap::Parser;

fn main() {
    let args = assigner::daemon::Args::parse();
    std::process::exit(assigner::daemon::run(args));
}
