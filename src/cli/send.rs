//! Builds a [`NewPrompt`] from `send`'s flags and text source.

use std::collections::BTreeMap;
use std::io::Read;

use super::args::SendArgs;
use crate::protocol::{NewPrompt, validate_env_name};

/// Reads the text and checks every flag locally, so mistakes are reported
/// before anything is queued.
pub fn build(args: SendArgs) -> Result<NewPrompt, String> {
    // `-` means standard input, as with `--file -`, `cat -` and most tools;
    // the text is kept exactly as read (assignerctl(1), PROMPT TEXT).
    let text = match (&args.text, &args.file) {
        (Some(t), _) if t == "-" => read_stdin()?,
        (Some(t), _) => t.clone(),
        (None, Some(path)) if path.as_os_str() == "-" => read_stdin()?,
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        (None, None) => read_stdin()?,
    };
    let mut env = BTreeMap::new();
    for pair in &args.env {
        let (k, v) = pair
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| format!("--env '{pair}' is not of the form NAME=VALUE"))?;
        validate_env_name(k).map_err(|e| format!("--env: {e}"))?;
        env.insert(k.to_owned(), v.to_owned());
    }
    let working_dir = match args.workdir {
        Some(dir) => Some(
            std::path::absolute(&dir)
                .map_err(|e| format!("--workdir {}: {e}", dir.display()))?
                .display()
                .to_string(),
        ),
        None => None,
    };
    let prompt = NewPrompt {
        text,
        priority: args.priority,
        target: args.target,
        provider: args.provider,
        providers: args.providers,
        fallback: args.fallback,
        allow_fallback: args.allow_fallback,
        timeout_minutes: args.timeout,
        max_retries: args.max_retries,
        working_dir,
        env,
        prereqs: args.prereq,
        branch: args.branch,
        after: args.after,
        source: Some("cli".into()),
        metadata: None,
    };
    prompt.validate()?;
    Ok(prompt)
}

fn read_stdin() -> Result<String, String> {
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err("no prompt given: pass TEXT, --file FILE, or pipe the text on stdin".into());
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read the prompt from stdin: {e}"))?;
    Ok(text)
}
