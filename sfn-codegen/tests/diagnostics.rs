//! Diagnostics as data: every `tests/diagnostics/X.asl.json` holds mistakes,
//! and `tests/diagnostics/X.stderr` next to it is the exact rendering of all
//! the diagnostics sfn reports for it.
//!
//! Run with `BLESS=1` to (re)write the `.stderr` files, then read them.

use std::path::{Path, PathBuf};

use sfn_codegen::{SourceFile, validate};

const DIR: &str = "tests/diagnostics";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR)
}

fn bless() -> bool {
    std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The rendering of one case, or why it has none.
fn render(name: &str, text: &str) -> Result<String, String> {
    // A relative display path keeps the snapshots stable.
    let file = SourceFile::new(format!("{DIR}/{name}"), text);
    let diags = match validate(&file) {
        Ok(_) => return Err("the file validates, but a diagnostics case must be rejected".into()),
        Err(diags) => diags,
    };
    if diags.items.is_empty() {
        return Err("rejected with no diagnostics".into());
    }
    for d in &diags.items {
        let in_bounds = d.span.start <= d.span.end
            && d.span.end <= text.len()
            && text.is_char_boundary(d.span.start)
            && text.is_char_boundary(d.span.end);
        if !in_bounds {
            return Err(format!(
                "diagnostic `{}` has span {}..{}, not inside the file (len {})",
                d.message,
                d.span.start,
                d.span.end,
                text.len()
            ));
        }
    }
    let mut out = diags.render(&file);
    out.push('\n');
    Ok(out)
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let (mut e, mut a) = (expected.lines(), actual.lines());
    for line in 1.. {
        match (e.next(), a.next()) {
            (None, None) => return "the texts differ only in line endings".into(),
            (x, y) if x == y => continue,
            (x, y) => {
                return format!(
                    "first difference at line {line}:\n  expected: {}\n  actual:   {}",
                    x.map_or("<end of file>".into(), |s| format!("{s:?}")),
                    y.map_or("<end of file>".into(), |s| format!("{s:?}")),
                );
            }
        }
    }
    unreachable!()
}

#[test]
fn diagnostics_snapshots() {
    let dir = dir();
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/diagnostics exists")
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .into_string()
                .expect("UTF-8 name")
        })
        .filter(|n| n.ends_with(".asl.json"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", dir.display());

    let bless = bless();
    let mut failures = Vec::new();
    let mut blessed = 0;
    for name in &cases {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).expect("readable UTF-8 case");
        let stderr_path = dir.join(name.replace(".asl.json", ".stderr"));
        let actual = match render(name, &text) {
            Ok(actual) => actual,
            Err(problem) => {
                failures.push(format!("{name}: {problem}"));
                continue;
            }
        };
        if bless {
            let old = std::fs::read_to_string(&stderr_path).ok();
            if old.as_deref() != Some(actual.as_str()) {
                std::fs::write(&stderr_path, &actual).expect("writable .stderr");
                blessed += 1;
            }
            continue;
        }
        match std::fs::read_to_string(&stderr_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{name}: the diagnostics differ from {}; {}\n--- actual ---\n{actual}",
                stderr_path.display(),
                first_difference(&expected, &actual),
            )),
            Err(_) => failures.push(format!(
                "{name}: no {} (run with BLESS=1 to write it)\n--- actual ---\n{actual}",
                stderr_path.display()
            )),
        }
    }

    // Every snapshot belongs to a case.
    for entry in std::fs::read_dir(&dir).expect("tests/diagnostics exists") {
        let name = entry
            .expect("directory entry")
            .file_name()
            .into_string()
            .expect("UTF-8 name");
        if let Some(stem) = name.strip_suffix(".stderr") {
            if !cases.contains(&format!("{stem}.asl.json")) {
                failures.push(format!(
                    "{name}: a snapshot with no `{stem}.asl.json`; delete it"
                ));
            }
        }
    }

    eprintln!(
        "diagnostics: {} cases{}",
        cases.len(),
        if bless {
            format!(", {blessed} snapshot(s) written")
        } else {
            String::new()
        }
    );
    assert!(
        failures.is_empty(),
        "{} diagnostics case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The CRLF case must really have CRLF line endings (an editor or a checkout
/// could normalize them away).
#[test]
fn crlf_case_keeps_its_line_endings() {
    let text = std::fs::read_to_string(dir().join("crlf_line_endings.asl.json")).expect("case");
    assert!(
        text.contains("\r\n"),
        "crlf_line_endings.asl.json lost its CRLF line endings"
    );
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
}
