//! assignerctl: the assigner client. All logic lives in the library.

fn main() {
    std::process::exit(assigner::cli::run());
}
