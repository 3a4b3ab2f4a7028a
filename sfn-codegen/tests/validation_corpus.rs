//! The asl-validator corpus (`/work/shared/validation/asl-validator`): every
//! `valid-*` file validates (or, when it uses a feature sfn does not support
//! yet, is rejected with `unsupported` diagnostics only), every `invalid-*`
//! file is rejected with located diagnostics.
//!
//! Files whose label we do not follow are listed in [`EXCEPTIONS`] with the
//! reason; the test fails when an exception is no longer needed, so the list
//! stays true.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use sfn_codegen::{Code, Diagnostics, SourceFile, validate};

/// What we expect of a file instead of what its label says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A `valid-*` file that sfn rejects (with at least one diagnostic that is
    /// not `unsupported`), following ASL.md.
    Rejected,
    /// An `invalid-*` file that sfn accepts: a rule ASL.md does not ask for, or
    /// that sfn does not check.
    #[allow(
        dead_code,
        reason = "no `invalid-*` file is an exception at the moment"
    )]
    Accepted,
}

/// Files whose asl-validator label we do not follow, and why.
const EXCEPTIONS: &[(&str, Expect, &str)] = &[
    (
        "valid-cfn-definition-substitutions.json",
        Expect::Rejected,
        "`Resource` is the CloudFormation placeholder `${lambdaArn}`, not an ARN; \
         ASL.md §5.1 and V29 require an ARN (AWS: `Value is not a valid resource ARN`)",
    ),
    (
        "valid-parameters-array.json",
        Expect::Rejected,
        "`Parameters` is an array; ASL.md §2.3 rule 1 makes a payload template a JSON object",
    ),
    (
        "valid-pass-array.json",
        Expect::Rejected,
        "`Parameters` is an array; ASL.md §2.3 rule 1 makes a payload template a JSON object",
    ),
    (
        "valid-path-array-context.json",
        Expect::Rejected,
        "`$[(@.length-1)]` is a Jayway script expression, which is not part of the \
         JSONPath dialect of ASL.md §2.2",
    ),
    (
        "valid-task-credentials.json",
        Expect::Rejected,
        "`Credentials` has neither `RoleArn` nor `RoleArn.$` and has other fields; \
         ASL.md §5.1 and V30 require `RoleArn` (AWS: `The field 'RoleArn' is required but was missing`)",
    ),
    (
        "valid-task-intrisic-function.json",
        Expect::Rejected,
        "`Resource` is a CloudFormation intrinsic object (`Fn::GetAtt`, `Ref`); \
         ASL.md §5.1 and V29 require a constant string ARN",
    ),
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/validation/asl-validator")
}

/// The features outside the scope of sfn that a definition uses, found by
/// walking its JSON (independently of the compiler).
fn out_of_scope(text: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        walk(&value, None, &mut found);
    }
    found.sort_unstable();
    found.dedup();
    found
}

fn walk(value: &Value, key: Option<&str>, found: &mut Vec<&'static str>) {
    match value {
        Value::Object(members) => {
            for (k, v) in members {
                match (k.as_str(), v.as_str()) {
                    ("QueryLanguage", Some("JSONata")) => found.push("JSONata"),
                    ("Assign", _) => found.push("variables"),
                    _ => {}
                }
                walk(v, Some(k), found);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk(i, key, found)),
        Value::String(s) => {
            if s.trim_start().starts_with("{%") {
                found.push("JSONata");
            }
            let path_field =
                key.is_some_and(|k| k.ends_with(".$") || k.ends_with("Path") || k == "Variable");
            // A path field, or an argument of an intrinsic call in one.
            let variable = is_variable_path(s)
                || (s.starts_with("States.")
                    && s.match_indices('$').any(|(i, _)| is_variable_path(&s[i..])));
            if path_field && variable {
                found.push("variables");
            }
        }
        _ => {}
    }
}

/// `$name…`: a workflow variable reference.
fn is_variable_path(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some('$')
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
}

fn spans_in_bounds(diags: &Diagnostics, text: &str) -> Result<(), String> {
    if diags.items.is_empty() {
        return Err("rejected with an empty list of diagnostics".to_owned());
    }
    for d in &diags.items {
        if !(d.span.start <= d.span.end && d.span.end <= text.len()) {
            return Err(format!(
                "diagnostic `{}` has span {}..{} outside the file (len {})",
                d.message,
                d.span.start,
                d.span.end,
                text.len()
            ));
        }
        if !text.is_char_boundary(d.span.start) || !text.is_char_boundary(d.span.end) {
            return Err(format!(
                "diagnostic `{}` has span {}..{} inside a UTF-8 character",
                d.message, d.span.start, d.span.end
            ));
        }
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    valid_ok: Vec<String>,
    valid_unsupported: Vec<String>,
    invalid_rejected: Vec<String>,
    invalid_rejected_unsupported_only: Vec<String>,
    exceptions: Vec<String>,
    failures: Vec<String>,
}

#[test]
fn asl_validator_corpus() {
    let dir = corpus_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .into_string()
                .expect("UTF-8 name")
        })
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 100,
        "the corpus has {} files, expected 112",
        names.len()
    );

    let exceptions: BTreeMap<&str, (Expect, &str)> = EXCEPTIONS
        .iter()
        .map(|(name, expect, reason)| (*name, (*expect, *reason)))
        .collect();
    for name in exceptions.keys() {
        assert!(
            names.iter().any(|n| n == name),
            "exception `{name}` names no file of the corpus"
        );
    }

    let mut t = Tally::default();
    for name in &names {
        let text = std::fs::read_to_string(dir.join(name)).expect("readable UTF-8 file");
        let file = SourceFile::new(format!("asl-validator/{name}"), text.as_str());
        let result = validate(&file);
        if let Err(diags) = &result {
            if let Err(problem) = spans_in_bounds(diags, &text) {
                t.failures.push(format!("{name}: {problem}"));
                continue;
            }
            // Rendering must not panic either.
            let _ = diags.render(&file);
        }
        let unsupported_only =
            |d: &Diagnostics| d.items.iter().all(|d| d.code == Code::Unsupported);
        let shown = |r: &Result<_, Diagnostics>| match r {
            Ok(_) => "accepted".to_owned(),
            Err(d) => format!("rejected:\n{}", indent(&d.render_short(&file)).trim_end()),
        };

        if let Some((expect, reason)) = exceptions.get(name.as_str()) {
            let still_needed = match expect {
                Expect::Rejected => matches!(&result, Err(d) if !unsupported_only(d)),
                Expect::Accepted => result.is_ok(),
            };
            if still_needed {
                t.exceptions.push(format!("{name}: {reason}"));
            } else {
                t.failures.push(format!(
                    "{name}: listed as an exception ({expect:?}: {reason}) but is now {}; \
                     remove it from EXCEPTIONS",
                    shown(&result)
                ));
            }
            continue;
        }

        let features = out_of_scope(&text);
        if name.starts_with("valid-") {
            match (&result, features.is_empty()) {
                (Ok(_), true) => t.valid_ok.push(name.clone()),
                (Err(d), false) if unsupported_only(d) => t.valid_unsupported.push(name.clone()),
                (Ok(_), false) => t.failures.push(format!(
                    "{name}: uses {} (not supported yet) but was accepted",
                    features.join(", ")
                )),
                (Err(_), true) => t.failures.push(format!(
                    "{name}: labelled valid and in scope, but {}",
                    shown(&result)
                )),
                (Err(_), false) => t.failures.push(format!(
                    "{name}: labelled valid, uses {} (not supported yet), so every diagnostic \
                     must be `unsupported`, but {}",
                    features.join(", "),
                    shown(&result)
                )),
            }
        } else if name.starts_with("invalid-") {
            match &result {
                Ok(_) => t.failures.push(format!(
                    "{name}: labelled invalid but accepted{}",
                    if features.is_empty() {
                        String::new()
                    } else {
                        format!(" (uses {})", features.join(", "))
                    }
                )),
                Err(d) if unsupported_only(d) && features.is_empty() => t.failures.push(format!(
                    "{name}: labelled invalid and in scope, but rejected only as unsupported: {}",
                    shown(&result)
                )),
                Err(d) if unsupported_only(d) => {
                    t.invalid_rejected.push(name.clone());
                    t.invalid_rejected_unsupported_only.push(name.clone());
                }
                Err(_) => t.invalid_rejected.push(name.clone()),
            }
        } else {
            t.failures
                .push(format!("{name}: neither `valid-` nor `invalid-`; label it"));
        }
    }

    eprintln!("asl-validator corpus: {} files", names.len());
    eprintln!("  valid, accepted:                   {}", t.valid_ok.len());
    eprintln!(
        "  valid, rejected as unsupported:    {}",
        t.valid_unsupported.len()
    );
    eprintln!(
        "  invalid, rejected:                 {} ({} of them only as unsupported)",
        t.invalid_rejected.len(),
        t.invalid_rejected_unsupported_only.len()
    );
    eprintln!(
        "  exceptions:                        {}",
        t.exceptions.len()
    );
    for e in &t.exceptions {
        eprintln!("    - {e}");
    }
    eprintln!("  failures:                          {}", t.failures.len());
    assert!(
        t.failures.is_empty(),
        "{} corpus file(s) failed:\n\n{}",
        t.failures.len(),
        t.failures.join("\n\n")
    );
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect()
}

#[test]
fn scope_detection() {
    assert!(is_variable_path("$foo.bar"));
    assert!(!is_variable_path("$.foo"));
    assert!(!is_variable_path("$$.Execution.Id"));
    assert_eq!(
        out_of_scope(r#"{"A":{"Type":"Map","Assign":{"x":1},"QueryLanguage":"JSONata"}}"#),
        ["JSONata", "variables"]
    );
    assert!(
        out_of_scope(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#).is_empty()
    );
}
