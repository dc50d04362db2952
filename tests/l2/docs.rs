//! The manual keeps its promises: every relative link in README.md and docs/ resolves (files and
//! `#anchors`), every `cimtile` command line in a shell code block (```sh, ```bash, ```console)
//! parses, and every subcommand is shown in at least one of them. A command line is checked by
//! running it with `--help` appended: clap reads every flag and value before it prints the help,
//! so an unknown flag or a bad value fails, yet nothing runs (about a millisecond each).
//! Synopses with `[optional]` parts belong in plain ``` blocks, which are not run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every Markdown page under docs/.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// Lines of `text` outside fenced code blocks, and the code blocks with their language.
fn split(text: &str) -> (Vec<&str>, Vec<(String, Vec<&str>)>) {
    let (mut prose, mut blocks) = (Vec::new(), Vec::new());
    let mut block: Option<(String, Vec<&str>)> = None;
    for line in text.lines() {
        match (line.trim_start().strip_prefix("```"), &mut block) {
            (Some(_), Some(_)) => blocks.push(block.take().unwrap()),
            (Some(lang), None) => block = Some((lang.trim().to_string(), Vec::new())),
            (None, Some((_, lines))) => lines.push(line),
            (None, None) => prose.push(line),
        }
    }
    (prose, blocks)
}

/// GitHub's anchor of a heading: lower case, spaces to hyphens, other punctuation dropped.
fn anchors(text: &str) -> BTreeSet<String> {
    split(text)
        .0
        .iter()
        .filter_map(|l| {
            l.strip_prefix('#')
                .map(|h| h.trim_start_matches('#').trim())
        })
        .map(|h| {
            h.to_lowercase()
                .chars()
                .filter_map(|c| {
                    if c == ' ' {
                        Some('-')
                    } else if c.is_alphanumeric() || c == '-' || c == '_' {
                        Some(c)
                    } else {
                        None
                    }
                })
                .collect()
        })
        .collect()
}

/// The targets of the `[text](target)` links of a prose line, inline code left out.
fn link_targets(line: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let without_code: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    let mut rest = without_code.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let Some(end) = after.find(')') else { break };
        targets.push(after[..end].to_string());
        rest = &after[end..];
    }
    targets
}

#[test]
fn every_relative_link_resolves() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        for line in split(&text).0 {
            for target in link_targets(line) {
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
                let path = if file.is_empty() {
                    page.clone()
                } else {
                    page.parent().unwrap().join(file)
                };
                let relative = normalize(path.strip_prefix(root()).unwrap_or(&path));
                if !path.exists() {
                    broken.push(format!("{name}: ({target}): no file {relative}"));
                } else if !anchor.is_empty()
                    && path.extension().is_some_and(|e| e == "md")
                    && !anchors(&std::fs::read_to_string(&path).unwrap()).contains(anchor)
                {
                    broken.push(format!(
                        "{name}: ({target}): no heading #{anchor} in {relative}"
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// `docs/../README.md` as `README.md`.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            c => parts.push(c.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

/// The words of a shell command line (quotes removed), up to a pipe, redirection, `;`, `&&` or
/// comment.
fn words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut in_word) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, ' ' | '\t') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    let end = words
        .iter()
        .position(|w| {
            ["|", ";", "&&", "||"].contains(&w.as_str())
                || w.starts_with('>')
                || w.starts_with("2>")
                || w.starts_with('#')
        })
        .unwrap_or(words.len());
    words.truncate(end);
    words
}

/// `line` with the block's variables (`J="--job net ..."`) expanded before it is split into words, as
/// the shell does, and any other variable (`$SLURM_ARRAY_TASK_ID`) standing for `1`.
fn expand(line: &str, variables: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find('$') {
        out += &rest[..at];
        let after = &rest[at + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        out += variables
            .iter()
            .find(|(n, _)| n == &after[..len])
            .map_or("1", |(_, v)| v.as_str());
        rest = &after[len..];
    }
    out + rest
}

/// Every `cimtile` command line of the shell code blocks of the manual, by page.
fn command_lines() -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        for (lang, lines) in split(&text).1 {
            if !["sh", "bash", "console", "shell"].contains(&lang.as_str()) {
                continue;
            }
            let joined = lines.join("\n").replace("\\\n", " ");
            let mut variables: Vec<(String, String)> = Vec::new();
            for line in joined.lines() {
                let line = line.trim().trim_start_matches("$ ");
                if let Some((name, value)) = line.split_once('=').filter(|(n, _)| {
                    !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                }) {
                    variables.push((name.to_string(), value.trim_matches('"').to_string()));
                    continue;
                }
                let w = words(&expand(line, &variables));
                if w.first()
                    .is_some_and(|c| c == "cimtile" || c.ends_with("/cimtile"))
                {
                    found.push((name.clone(), w[1..].to_vec()));
                }
            }
        }
    }
    found
}

#[test]
fn every_documented_command_line_parses() {
    let lines = command_lines();
    assert!(lines.len() > 20, "only {} command lines found", lines.len());
    let mut bad = Vec::new();
    for (page, args) in &lines {
        let mut run = Command::new(env!("CARGO_BIN_EXE_cimtile"));
        run.args(args);
        // `cimtile --version` and the like are run as they are: they parse and print.
        if args.first().is_some_and(|a| !a.starts_with('-')) {
            run.arg("--help");
        }
        let out = run.output().unwrap();
        if !out.status.success() {
            bad.push(format!(
                "{page}: cimtile {}\n  {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
                    .trim()
                    .replace('\n', "\n  ")
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "command lines of the manual that do not parse:\n{}",
        bad.join("\n")
    );
}

#[test]
fn every_subcommand_is_shown_in_the_manual() {
    let help = Command::new(env!("CARGO_BIN_EXE_cimtile"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let commands = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    let shown: BTreeSet<String> = command_lines()
        .into_iter()
        .filter_map(|(_, args)| args.first().cloned())
        .collect();
    let missing: Vec<&str> = commands
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help" && !shown.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "subcommands without a command line in the manual's shell blocks: {missing:?}"
    );
}

#[test]
fn the_readme_is_a_front_page() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.lines().count() <= 300,
        "README.md has {} lines; the manual is docs/",
        readme.lines().count()
    );
    let first_block = split(&readme).1.into_iter().next().expect("a code block");
    assert!(
        first_block.1.iter().any(|l| l.starts_with("scripts/demo"))
            && first_block.1.iter().any(|l| l.starts_with("scripts/test")),
        "the first code block shows scripts/demo and scripts/test"
    );
}
