//! Robustness: the compiler never panics, whatever it is fed. Every rejection
//! carries located diagnostics, and every accepted file gives tokens that
//! parse as a Rust file.
//!
//! Inputs: prefix truncations and random byte replacements of corpus files,
//! and hand-picked nasty inputs. Deeply nested inputs run in a child process
//! each, so that a stack overflow (which aborts the process) is reported as a
//! failure of that case instead of killing the whole test binary.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Once;

use sfn_codegen::{Options, SourceFile, compile};

// ---------------------------------------------------------------------------
// Harness

thread_local! {
    static CAPTURING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps the panics caught by [`caught`] quiet (thousands of inputs) but
/// remembers the message and location of the last one on this thread; other
/// panics (failed assertions) go to the default hook.
fn quiet_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CAPTURING.with(std::cell::Cell::get) {
                return default(info);
            }
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "<non-string payload>".to_owned());
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message} (at {location})")));
        }));
    });
}

/// Runs `f`, turning a panic into the panic's message.
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    quiet_panics();
    CAPTURING.with(|c| c.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|c| c.set(false));
    result.map_err(|_| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| "<unknown panic>".to_owned())
    })
}

/// Compiles `text` and checks the result; `Err` describes what went wrong.
fn check_with_path(display_path: &str, text: &str) -> Result<Outcome, String> {
    let file = SourceFile::new(display_path, text);
    let result = caught(|| compile(&file, &Options::default()))
        .map_err(|p| format!("compile panicked: {p}"))?;
    match result {
        Err(diags) => {
            if diags.items.is_empty() {
                return Err("rejected with no diagnostics".into());
            }
            for d in &diags.items {
                let ok = d.span.start <= d.span.end
                    && d.span.end <= text.len()
                    && text.is_char_boundary(d.span.start)
                    && text.is_char_boundary(d.span.end);
                if !ok {
                    return Err(format!(
                        "diagnostic [{}] `{}` has span {}..{} outside the text (len {})",
                        d.code,
                        d.message,
                        d.span.start,
                        d.span.end,
                        text.len()
                    ));
                }
            }
            caught(|| {
                let _ = diags.render(&file);
                let _ = diags.render_short(&file);
            })
            .map_err(|p| format!("rendering the diagnostics panicked: {p}"))?;
            Ok(Outcome::Rejected)
        }
        Ok(tokens) => {
            let text_of_tokens = tokens.to_string();
            let parsed = syn::parse2::<syn::File>(tokens.clone()).map_err(|e| {
                format!(
                    "accepted, but the output does not parse as a Rust file: {e}\n{}",
                    shorten(&text_of_tokens, 2000)
                )
            })?;
            unique_names(&parsed.items).map_err(|e| {
                format!(
                    "accepted, but the output {e}\n{}",
                    shorten(&text_of_tokens, 2000)
                )
            })?;
            caught(|| sfn_codegen::format(tokens, display_path))
                .map_err(|p| format!("formatting the output panicked: {p}"))?;
            Ok(Outcome::Accepted)
        }
    }
}

/// Names that must be unique in the output (the Rust compiler would reject
/// duplicates; `syn` does not): items of a module, variants of an enum,
/// functions of a trait or an impl.
fn unique_names(items: &[syn::Item]) -> Result<(), String> {
    fn no_duplicates(what: &str, names: Vec<String>) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for n in names {
            if !seen.insert(n.clone()) {
                return Err(format!("defines `{n}` twice in {what}"));
            }
        }
        Ok(())
    }
    let mut types = Vec::new();
    let mut values = Vec::new();
    for item in items {
        match item {
            syn::Item::Mod(m) => {
                types.push(m.ident.to_string());
                if let Some((_, inner)) = &m.content {
                    unique_names(inner)?;
                }
            }
            syn::Item::Enum(e) => {
                types.push(e.ident.to_string());
                no_duplicates(
                    &format!("enum `{}`", e.ident),
                    e.variants.iter().map(|v| v.ident.to_string()).collect(),
                )?;
            }
            syn::Item::Struct(s) => types.push(s.ident.to_string()),
            syn::Item::Trait(t) => {
                types.push(t.ident.to_string());
                no_duplicates(
                    &format!("trait `{}`", t.ident),
                    t.items
                        .iter()
                        .filter_map(|i| match i {
                            syn::TraitItem::Fn(f) => Some(f.sig.ident.to_string()),
                            _ => None,
                        })
                        .collect(),
                )?;
            }
            syn::Item::Impl(i) => no_duplicates(
                "an impl block",
                i.items
                    .iter()
                    .filter_map(|i| match i {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    })
                    .collect(),
            )?,
            syn::Item::Fn(f) => values.push(f.sig.ident.to_string()),
            syn::Item::Static(s) => values.push(s.ident.to_string()),
            syn::Item::Const(c) if c.ident != "_" => values.push(c.ident.to_string()),
            _ => {}
        }
    }
    no_duplicates("a module (types)", types)?;
    no_duplicates("a module (values)", values)
}

fn check(text: &str) -> Result<Outcome, String> {
    check_with_path("flows/nasty.asl.json", text)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accepted,
    Rejected,
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &s[..end], s.len())
}

/// Collects the failures of many inputs and fails once with all of them.
#[derive(Default)]
struct Report {
    inputs: usize,
    accepted: usize,
    failures: Vec<String>,
}

impl Report {
    fn run(&mut self, what: impl FnOnce() -> String, text: &str) {
        self.inputs += 1;
        match check(text) {
            Ok(Outcome::Accepted) => self.accepted += 1,
            Ok(Outcome::Rejected) => {}
            Err(problem) => {
                if self.failures.len() < 40 {
                    self.failures.push(format!(
                        "{}: {problem}\n  input: {:?}",
                        what(),
                        shorten(text, 400)
                    ));
                } else {
                    self.failures.push(String::new());
                }
            }
        }
    }

    fn finish(self, name: &str) {
        eprintln!(
            "{name}: {} inputs, {} accepted, {} failures",
            self.inputs,
            self.accepted,
            self.failures.len()
        );
        let shown: Vec<&String> = self.failures.iter().filter(|f| !f.is_empty()).collect();
        assert!(
            self.failures.is_empty(),
            "{name}: {} of {} inputs failed (first {} shown):\n\n{}",
            self.failures.len(),
            self.inputs,
            shown.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}

/// A tiny deterministic PRNG (xorshift64*).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/validation/asl-validator")
}

/// Valid, in-scope corpus files that use many features between them.
const SEEDS: &[&str] = &[
    "valid-job-status-poller.json",
    "valid-choice-state.json",
    "valid-catch-failure.json",
    "valid-retry-failure.json",
    "valid-wait-state.json",
    "valid-pass-state.json",
    "valid-task-timer.json",
    "valid-parameters-issue104.json",
    "valid-null-resultSelector.json",
];

/// Seeds written here, for what the corpus has little of: Parallel branches,
/// distributed Maps (reader, batcher, writer) and nested intrinsic calls with
/// escapes at both levels (JSON `\"`, `\u00e9`, `\\`; intrinsic `\'`, `\{`).
const INLINE_SEEDS: &[(&str, &str)] = &[
    (
        "inline: parallel and intrinsics",
        r#"{
  "StartAt": "Prepare",
  "States": {
    "Prepare": {
      "Type": "Pass",
      "Parameters": {
        "id.$": "States.UUID()",
        "greeting.$": "States.Format('Hi {}, it\\'s \\{not\\} {}', $.name, States.JsonToString($.order))",
        "parts.$": "States.StringSplit(States.ArrayGetItem(States.Array($.a, 'x,y'), 1), ',')",
        "hash.$": "States.Hash(States.Format('{}\\\\{}', $.a, $$.Execution.Id), 'SHA-256')",
        "quoted.$": "States.Format('\"{}\" \u00e9', States.MathAdd(States.ArrayLength($.items), -1))"
      },
      "Next": "Both"
    },
    "Both": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Result": 1, "End": true}}},
        {"StartAt": "Right", "States": {
          "Right": {"Type": "Wait", "Seconds": 1, "Next": "RightDone"},
          "RightDone": {"Type": "Succeed"}}}
      ],
      "ResultPath": "$.both",
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
      "Next": "Done"
    },
    "Failed": {"Type": "Fail", "Error": "Failed", "CausePath": "States.Format('cause: {}', $.Cause)"},
    "Done": {"Type": "Succeed"}
  }
}"#,
    ),
    (
        "inline: distributed map",
        r#"{
  "StartAt": "Files",
  "States": {
    "Files": {
      "Type": "Map",
      "Label": "Files",
      "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["id", "name"], "MaxItemsPath": "$.limit"},
        "Parameters": {"Bucket.$": "$.bucket", "Key": "in/items.csv"}
      },
      "ItemSelector": {"row.$": "$$.Map.Item.Value", "tag.$": "States.Format('item-{}', $$.Map.Item.Index)"},
      "ItemBatcher": {"MaxItemsPerBatch": 50, "MaxInputBytesPerBatchPath": "$.bytes", "BatchInput": {"run.$": "$$.Execution.Id"}},
      "MaxConcurrencyPath": "$.concurrency",
      "ToleratedFailurePercentage": 5.5,
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
        "StartAt": "Rows",
        "States": {
          "Rows": {
            "Type": "Map",
            "ItemsPath": "$.Items",
            "MaxConcurrency": 2,
            "ItemProcessor": {"StartAt": "Row", "States": {
              "Row": {"Type": "Pass", "Parameters": {"s.$": "States.Format('\\{{}\\}', States.JsonToString($))"}, "End": true}}},
            "End": true
          }
        }
      },
      "ResultWriter": {
        "Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket": "out", "Prefix": "runs"},
        "WriterConfig": {"OutputType": "JSONL", "Transformation": "FLATTEN"}
      },
      "ResultPath": "$.written",
      "End": true
    }
  }
}"#,
    ),
];

fn seeds() -> Vec<(&'static str, String)> {
    SEEDS
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(corpus_dir().join(name))
                .unwrap_or_else(|e| panic!("cannot read corpus file {name}: {e}"));
            (*name, text)
        })
        .chain(
            INLINE_SEEDS
                .iter()
                .map(|(name, text)| (*name, (*text).to_owned())),
        )
        .collect()
}

// ---------------------------------------------------------------------------
// Derived from the corpus

#[test]
fn seeds_compile() {
    for (name, text) in seeds() {
        assert_eq!(check(&text), Ok(Outcome::Accepted), "{name} must compile");
    }
}

#[test]
fn prefix_truncations() {
    let mut report = Report::default();
    for (name, text) in seeds() {
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                report.run(|| format!("{name} cut at byte {cut}"), &text[..cut]);
            }
            cut += 7;
        }
        // And every prefix that ends just before or after a structural character.
        for (i, c) in text.char_indices() {
            if matches!(c, '{' | '}' | '[' | ']' | ':' | ',' | '"') {
                report.run(|| format!("{name} cut before byte {i}"), &text[..i]);
                report.run(|| format!("{name} cut after byte {i}"), &text[..=i]);
            }
        }
    }
    report.finish("prefix_truncations");
}

#[test]
fn random_byte_replacements() {
    const PALETTE: &[u8] = b"{}[]\":,\\ $.*?@()-+0123456789eEtfnu'\t\n\r\x00\x7f";
    let mut rng = XorShift(0x005E_ED0F_5F11_u64);
    let mut report = Report::default();
    for (name, text) in seeds() {
        let bytes = text.as_bytes();
        for round in 0..400 {
            let mut mutant = bytes.to_vec();
            let edits = 1 + usize::from(round % 4 == 3);
            let mut described = Vec::new();
            for _ in 0..edits {
                let at = rng.below(mutant.len());
                if !mutant[at].is_ascii() {
                    continue;
                }
                let with = if rng.below(3) == 0 {
                    // Any printable ASCII byte.
                    0x20 + rng.below(0x5F) as u8
                } else {
                    PALETTE[rng.below(PALETTE.len())]
                };
                described.push(format!(
                    "byte {at} {:?} -> {:?}",
                    mutant[at] as char, with as char
                ));
                mutant[at] = with;
            }
            let Ok(mutant) = String::from_utf8(mutant) else {
                continue;
            };
            report.run(|| format!("{name}: {}", described.join(", ")), &mutant);
        }
        // Deleting single bytes, at a stride.
        for at in (0..bytes.len()).step_by(5) {
            if text.is_char_boundary(at) && text.is_char_boundary(at + 1) {
                let mutant = format!("{}{}", &text[..at], &text[at + 1..]);
                report.run(|| format!("{name}: byte {at} deleted"), &mutant);
            }
        }
    }
    report.finish("random_byte_replacements");
}

// ---------------------------------------------------------------------------
// Hand-picked inputs

/// A one-state workflow whose state is `state` (a JSON object body).
fn one_state(state: &str) -> String {
    format!(r#"{{"StartAt": "S", "States": {{"S": {state}}}}}"#)
}

/// A workflow with the given states (`"name": {…}` members); starts at `start`.
fn machine(start: &str, states: &[(&str, &str)]) -> String {
    let members: Vec<String> = states
        .iter()
        .map(|(name, body)| format!("{}: {body}", serde_json::to_string(name).unwrap()))
        .collect();
    format!(
        r#"{{"StartAt": {}, "States": {{{}}}}}"#,
        serde_json::to_string(start).unwrap(),
        members.join(", ")
    )
}

fn choice_on(rule: &str) -> String {
    machine(
        "C",
        &[
            (
                "C",
                &format!(r#"{{"Type": "Choice", "Choices": [{rule}], "Default": "D"}}"#),
            ),
            ("D", r#"{"Type": "Succeed"}"#),
        ],
    )
}

fn pass_with(field: &str) -> String {
    one_state(&format!(r#"{{"Type": "Pass", {field}, "End": true}}"#))
}

fn task_with(resource: &str, extra: &str) -> String {
    one_state(&format!(
        r#"{{"Type": "Task", "Resource": {}{extra}, "End": true}}"#,
        serde_json::to_string(resource).unwrap()
    ))
}

fn nasty_inputs() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    let mut add = |what: &str, text: String| v.push((what.to_owned(), text));

    // Not a definition at all.
    for text in [
        "",
        " ",
        "\n",
        "\r\n",
        "\u{feff}",
        "\u{feff}{}",
        "null",
        "true",
        "0",
        "-0",
        "1e999",
        "\"\"",
        "\"StartAt\"",
        "[]",
        "[{}]",
        "{}",
        "{",
        "}",
        "[",
        "]",
        "{\"",
        "{\"StartAt\"",
        "{\"StartAt\":",
        "{\"StartAt\": \"A\"",
        "{,}",
        "{\"a\":1,}",
        "[1,]",
        "// comment\n{}",
        "/* c */ {}",
        "{'StartAt': 'A'}",
        "{StartAt: \"A\"}",
        "\u{0}",
        "{}\u{0}",
        "{} {}",
        "{\"StartAt\": \"A\", \"States\": {}}",
        "{\"StartAt\": \"A\", \"States\": []}",
        "{\"StartAt\": \"A\", \"States\": null}",
        "{\"StartAt\": null, \"States\": {}}",
        "{\"StartAt\": 1, \"States\": {\"1\": {\"Type\": \"Succeed\"}}}",
        "{\"StartAt\": \"A\", \"States\": {\"A\": null}}",
        "{\"StartAt\": \"A\", \"States\": {\"A\": []}}",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {}}}",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": null}}}",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"\"}}}",
    ] {
        add("not a definition", text.to_owned());
    }

    // Strings with bad escapes and odd characters.
    for s in [
        r#""\q""#,
        r#""\u12""#,
        r#""\u""#,
        r#""\uZZZZ""#,
        r#""\uD800""#,
        r#""\uDC00\uD800""#,
        r#""\uD83D\uDE80""#,
        r#""\u0000""#,
        "\"\\\"",
        "\"unterminated",
        "\"tab\there\"",
        "\"new\nline\"",
        "\"\u{7f}\"",
        "\"\u{2028}\"",
    ] {
        add(
            "escape in StartAt",
            format!(r#"{{"StartAt": {s}, "States": {{"A": {{"Type": "Succeed"}}}}}}"#),
        );
        add(
            "escape in a state name",
            format!(r#"{{"StartAt": "A", "States": {{{s}: {{"Type": "Succeed"}}}}}}"#),
        );
        add(
            "escape in a Result",
            pass_with(&format!(r#""Result": {s}"#)),
        );
        add(
            "escape in a path",
            pass_with(&format!(r#""InputPath": {s}"#)),
        );
        add(
            "escape in a Comment",
            one_state(&format!(r#"{{"Type": "Succeed", "Comment": {s}}}"#)),
        );
    }

    // Huge, tiny and odd numbers.
    for n in [
        "1e999",
        "-1e999",
        "1e-999",
        "99999999999999999999999999999999999999",
        "-0",
        "0.0",
        "1.5",
        "1e2",
        "1E+2",
        "100000000",
        "99999999",
        "4294967296",
        "18446744073709551616",
        "-9223372036854775809",
        "0.1e1",
        "00",
        "01",
        "1.",
        ".5",
        "+1",
        "NaN",
        "Infinity",
        "0x10",
    ] {
        add(
            "number as TimeoutSeconds",
            format!(
                r#"{{"StartAt": "A", "TimeoutSeconds": {n}, "States": {{"A": {{"Type": "Succeed"}}}}}}"#
            ),
        );
        add(
            "number as Wait Seconds",
            one_state(&format!(
                r#"{{"Type": "Wait", "Seconds": {n}, "End": true}}"#
            )),
        );
        add("number as Result", pass_with(&format!(r#""Result": {n}"#)));
        add(
            "number in a Parameters template",
            pass_with(&format!(r#""Parameters": {{"n": {n}, "x.$": "$.x"}}"#)),
        );
        add(
            "number as NumericEquals",
            choice_on(&format!(
                r#"{{"Variable": "$.x", "NumericEquals": {n}, "Next": "D"}}"#
            )),
        );
        add(
            "number as NumericLessThan",
            choice_on(&format!(
                r#"{{"Variable": "$.x", "NumericLessThan": {n}, "Next": "D"}}"#
            )),
        );
        add(
            "number in a filter",
            pass_with(&format!(r#""InputPath": "$.a[?(@.x > {n})]""#)),
        );
        add(
            "number as an index",
            pass_with(&format!(r#""InputPath": "$.a[{n}]""#)),
        );
        add(
            "number in a slice",
            pass_with(&format!(r#""InputPath": "$.a[{n}:{n}:{n}]""#)),
        );
        add(
            "numbers in a retrier",
            task_with(
                "arn:aws:lambda:us-east-1:123456789012:function:F",
                &format!(
                    r#", "Retry": [{{"ErrorEquals": ["States.ALL"], "IntervalSeconds": {n}, "MaxAttempts": {n}, "BackoffRate": {n}, "MaxDelaySeconds": {n}}}]"#
                ),
            ),
        );
        add(
            "numbers as task timeouts",
            task_with(
                "arn:aws:lambda:us-east-1:123456789012:function:F",
                &format!(r#", "TimeoutSeconds": {n}, "HeartbeatSeconds": {n}"#),
            ),
        );
    }

    // State names: Rust keywords, emoji, names that collide once converted.
    let names = [
        "type",
        "fn",
        "self",
        "Self",
        "super",
        "crate",
        "_",
        "__",
        "r#type",
        "async",
        "await",
        "dyn",
        "gen",
        "try",
        "union",
        "macro_rules",
        "main",
        "None",
        "Some",
        "Ok",
        "Err",
        "Result",
        "Option",
        "Box",
        "Vec",
        "String",
        "Value",
        "State",
        "Workflow",
        "Handlers",
        "Execution",
        "input",
        "ctx",
        "new",
        "run",
        "run_with",
        "handlers",
        "🚀",
        "🚀🚀",
        "Étape",
        "日本語",
        "",
        " ",
        "  ",
        "\t",
        "123",
        "1abc",
        "!!!",
        "$",
        "$.x",
        "a\"b",
        "a\\b",
        "a\nb",
        "a\u{0}b",
        "a/b",
        "a::b",
        "<T>",
        "'a",
        "#[cfg]",
        "*/",
        "/*",
        "ship order",
        "ShipOrder",
        "ship_order",
        "SHIP ORDER",
        "ship-order",
        "Ship Order",
        "shipOrder",
        "ship__order",
        "S",
        "s",
        "S_",
        "s1",
        "S 1",
        "u1f680",
        "U1f680",
        "\u{200b}",
        "\u{feff}",
        "\u{202e}abc",
        "x\u{301}",
    ];
    for name in names {
        add(
            "a state name",
            machine(name, &[(name, r#"{"Type": "Pass", "End": true}"#)]),
        );
    }
    let all: Vec<(&str, String)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let body = match names.get(i + 1) {
                Some(next) => format!(
                    r#"{{"Type": "Pass", "Next": {}}}"#,
                    serde_json::to_string(next).unwrap()
                ),
                None => r#"{"Type": "Succeed"}"#.to_owned(),
            };
            (*name, body)
        })
        .collect();
    let states: Vec<(&str, &str)> = all.iter().map(|(n, b)| (*n, b.as_str())).collect();
    add(
        "all the odd names in one machine (a chain)",
        machine(names[0], &states),
    );
    let tasks: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let next = match names.get(i + 1) {
                Some(n) => format!(
                    r#""Next": {}"#,
                    serde_json::to_string(&format!("T{n}")).unwrap()
                ),
                None => r#""End": true"#.to_owned(),
            };
            let resource = format!("arn:aws:lambda:us-east-1:123456789012:function:{name}");
            (
                format!("T{name}"),
                format!(
                    r#"{{"Type": "Task", "Resource": {}, {next}}}"#,
                    serde_json::to_string(&resource).unwrap()
                ),
            )
        })
        .collect();
    let task_states: Vec<(&str, &str)> = tasks
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_str()))
        .collect();
    add(
        "Lambda functions with odd names (handler methods)",
        machine(&format!("T{}", names[0]), &task_states),
    );

    // Resources that become method names.
    for resource in [
        "arn:aws:lambda:us-east-1:123456789012:function:type",
        "arn:aws:lambda:us-east-1:123456789012:function:self",
        "arn:aws:lambda:us-east-1:123456789012:function:new",
        "arn:aws:lambda:us-east-1:123456789012:function:run",
        "arn:aws:lambda:us-east-1:123456789012:function:run_with",
        "arn:aws:lambda:us-east-1:123456789012:function:handlers",
        "arn:aws:lambda:us-east-1:123456789012:function:🚀",
        "arn:aws:lambda:us-east-1:123456789012:function:",
        "arn:aws:lambda:us-east-1:123456789012:function::",
        "arn:aws:lambda:us-east-1:123456789012:function:F:$LATEST",
        "arn:aws:lambda:::function:F",
        "arn:aws:states:::lambda:invoke",
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::states:startExecution.sync:2:2",
        "arn:aws:states:::aws-sdk:s3:getObject",
        "arn:aws:states:::aws-sdk:s3:getObject.sync",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "arn:aws:states:::http:invoke",
        "arn:aws:states:::2",
        "arn:aws:states::::",
        "arn:aws:states:::::",
        "arn:aws:states:::a:b:c:d:e:f",
        "arn:aws:states:us-east-1:123456789012:activity:",
        "arn:aws:states:us-east-1:123456789012:activity:🚀",
        "arn:aws:swf:us-east-1:123456789012:task:X",
        "arn:::::",
        "arn:a:b:c:d:e",
        "arn:aws:lambda",
        "arn",
        "",
        ":",
        "🚀:🚀:🚀:🚀:🚀:🚀",
    ] {
        add("a Task resource", task_with(resource, ""));
        add(
            "a lambda:invoke resource with a FunctionName",
            task_with(
                resource,
                r#", "Parameters": {"FunctionName": "f", "Payload.$": "$"}"#,
            ),
        );
    }
    add(
        "two Lambda resources whose method names collide",
        machine(
            "A",
            &[
                (
                    "A",
                    r#"{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:ship-order", "Next": "B"}"#,
                ),
                (
                    "B",
                    r#"{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:ShipOrder", "Next": "C"}"#,
                ),
                (
                    "C",
                    r#"{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:ship_order", "Next": "D"}"#,
                ),
                (
                    "D",
                    r#"{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:2:function:ship_order", "End": true}"#,
                ),
            ],
        ),
    );

    // Paths.
    for path in [
        "$",
        "$$",
        "$$$",
        "$.",
        "$..",
        "$...",
        "$..*",
        "$.*",
        "$[*][*]",
        "$['a']",
        "$['']",
        "$['a",
        "$['a\\'b']",
        "$[\"a\"]",
        "$[0]",
        "$[-1]",
        "$[99999999999999999999]",
        "$[-9223372036854775808]",
        "$[9223372036854775807]",
        "$[1:2:0]",
        "$[::-1]",
        "$[::]",
        "$[:]",
        "$[0,1]",
        "$['a','b']",
        "$[0,'a']",
        "$[?(@)]",
        "$[?(@.a)]",
        "$[?(@.a == 'x')]",
        "$[?(@.a == 'it''s')]",
        "$[?(@.a == \"q\")]",
        "$[?(@.a > 1 && @.b < 2 || !@.c)]",
        "$[?(@.a ==)]",
        "$[?()]",
        "$[?(",
        "$[?(@.a =~ /x/)]",
        "$[?(@.length-1)]",
        "$[(@.length-1)]",
        "$.a.length()",
        "$.a\\.b",
        "$.a\\",
        "$.\\u0041",
        "$.🚀",
        "$.ü.名前",
        "$.a b",
        "$.a-b",
        "$.a[",
        "$.a]",
        "$.a[0",
        "$.a[0]]",
        "$[",
        "$]",
        "$x",
        "$_",
        "$🚀",
        "@",
        "@.a",
        "a",
        "",
        " $",
        "$ ",
        "$.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z",
        "$$.Execution.Id",
        "$$.Map.Item.Value",
        "$$.Task.Token",
        "$$[0]",
        "$$..x",
    ] {
        let p = serde_json::to_string(path).unwrap();
        add("an InputPath", pass_with(&format!(r#""InputPath": {p}"#)));
        add("a ResultPath", pass_with(&format!(r#""ResultPath": {p}"#)));
        add("an OutputPath", pass_with(&format!(r#""OutputPath": {p}"#)));
        add(
            "a template path",
            pass_with(&format!(r#""Parameters": {{"x.$": {p}}}"#)),
        );
        add(
            "a Choice Variable",
            choice_on(&format!(
                r#"{{"Variable": {p}, "IsPresent": true, "Next": "D"}}"#
            )),
        );
        add(
            "a StringEqualsPath",
            choice_on(&format!(
                r#"{{"Variable": "$.a", "StringEqualsPath": {p}, "Next": "D"}}"#
            )),
        );
        add(
            "a Wait SecondsPath",
            one_state(&format!(
                r#"{{"Type": "Wait", "SecondsPath": {p}, "End": true}}"#
            )),
        );
        add(
            "a Fail CausePath",
            one_state(&format!(
                r#"{{"Type": "Fail", "CausePath": {p}, "ErrorPath": {p}}}"#
            )),
        );
        add(
            "a TimeoutSecondsPath",
            task_with(
                "arn:aws:lambda:us-east-1:1:function:F",
                &format!(r#", "TimeoutSecondsPath": {p}"#),
            ),
        );
    }

    // Templates.
    for template in [
        r#"{}"#,
        r#"{"a": 1, "a.$": "$.a"}"#,
        r#"{"a.$": "$.a", "a": 1}"#,
        r#"{".$": "$"}"#,
        r#"{"": 1}"#,
        r#"{"a.$.$": "$"}"#,
        r#"{"a.$": null}"#,
        r#"{"a.$": ["$"]}"#,
        r#"{"a.$": {"b.$": "$"}}"#,
        r#"{"a": [{"b.$": "$.b"}, 1, [{"c.$": "$$.Execution.Id"}]]}"#,
        r#"{"a.$": "States.Format('{}', $.x)"}"#,
        r#"{"a.$": "States.Array("}"#,
        r#"{"a.$": "$$23"}"#,
        r#"{"a.$": "23"}"#,
        r#"{"🚀.$": "$.🚀"}"#,
        r#"{"a\"b.$": "$"}"#,
        r#"{"a": {"a": {"a": {"a.$": "$"}}}}"#,
        r#"{"type.$": "$", "fn": 1, "self": {"Self.$": "$"}}"#,
    ] {
        add(
            "a Parameters template",
            pass_with(&format!(r#""Parameters": {template}"#)),
        );
        add(
            "a ResultSelector template",
            task_with(
                "arn:aws:lambda:us-east-1:1:function:F",
                &format!(r#", "ResultSelector": {template}"#),
            ),
        );
        add(
            "a Credentials object",
            task_with(
                "arn:aws:lambda:us-east-1:1:function:F",
                &format!(r#", "Credentials": {template}"#),
            ),
        );
    }

    // Choice rules.
    for rule in [
        r#"{}"#,
        r#"{"Next": "D"}"#,
        r#"{"Variable": "$.a", "Next": "D"}"#,
        r#"{"And": [], "Next": "D"}"#,
        r#"{"And": {}, "Next": "D"}"#,
        r#"{"Or": null, "Next": "D"}"#,
        r#"{"Not": [], "Next": "D"}"#,
        r#"{"Not": {"Not": {"Not": {"Variable": "$.a", "IsNull": true}}}, "Next": "D"}"#,
        r#"{"And": [{"Variable": "$.a", "IsNull": true, "Next": "D"}], "Next": "D"}"#,
        r#"{"Variable": "$.a", "StringMatches": "\\", "Next": "D"}"#,
        r#"{"Variable": "$.a", "StringMatches": "***\\*\\\\", "Next": "D"}"#,
        r#"{"Variable": "$.a", "StringMatchesPath": "$.b", "Next": "D"}"#,
        r#"{"Variable": "$.a", "TimestampEquals": "2016-12-31T23:59:60Z", "Next": "D"}"#,
        r#"{"Variable": "$.a", "TimestampEquals": "9999-12-31T23:59:59.999999999+14:00", "Next": "D"}"#,
        r#"{"Variable": "$.a", "TimestampEquals": "0000-01-01T00:00:00Z", "Next": "D"}"#,
        r#"{"Variable": "$.a", "TimestampEquals": "2016-03-14T01:59:00+99:99", "Next": "D"}"#,
        r#"{"Variable": "$.a", "TimestampEquals": "2016-03-14T01:59:00.Z", "Next": "D"}"#,
        r#"{"Variable": "$.a", "TimestampEquals": "2016-03-14T01:59:00.0000000000000000001Z", "Next": "D"}"#,
        r#"{"Variable": "$.a", "TimestampEquals": "🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀", "Next": "D"}"#,
        r#"{"Variable": "$.a", "TimestampEquals": "2016-03-1🚀T01:59:00Z", "Next": "D"}"#,
        r#"{"Variable": "$.a", "StringEquals": "x\u0000y\"z", "Next": "D"}"#,
        r#"{"Variable": "$.a", "BooleanEquals": true, "Next": "Nope"}"#,
        r#"{"Variable": "$.a", "IsPresent": true, "Next": "C"}"#,
        r#"{"Variable": "$.a", "Condition": "{% true %}", "Next": "D"}"#,
        r#"1"#,
        r#"null"#,
        r#"[]"#,
    ] {
        add("a Choice rule", choice_on(rule));
    }

    // Wait timestamps.
    for ts in [
        "2016-03-14T01:59:00Z",
        "9999-12-31T23:59:59Z",
        "0000-01-01T00:00:00Z",
        "2016-02-30T00:00:00Z",
        "2016-03-14T24:00:00Z",
        "+275760-09-13T00:00:00Z",
        "2016-03-14T01:59:00.999999999999Z",
        "🚀",
        "",
    ] {
        add(
            "a Wait Timestamp",
            one_state(&format!(
                r#"{{"Type": "Wait", "Timestamp": {}, "End": true}}"#,
                serde_json::to_string(ts).unwrap()
            )),
        );
    }

    // Comments that could break doc attributes.
    for comment in [
        "*/",
        "/*",
        "\"",
        "\\",
        "\r",
        "\u{0}",
        "#![deny(warnings)]",
        "```rust\nfn main() {}\n```",
        "\u{202e}",
    ] {
        let c = serde_json::to_string(comment).unwrap();
        add(
            "a Comment",
            format!(
                r#"{{"Comment": {c}, "StartAt": "A", "States": {{"A": {{"Type": "Pass", "Comment": {c}, "End": true}}}}}}"#
            ),
        );
    }

    // Fail states with odd literals.
    for s in [
        "",
        "\u{0}",
        "\"",
        "States.Runtime",
        "States.Format('{}', $.x)",
        "🚀",
    ] {
        let s = serde_json::to_string(s).unwrap();
        add(
            "a Fail state",
            one_state(&format!(
                r#"{{"Type": "Fail", "Error": {s}, "Cause": {s}}}"#
            )),
        );
    }

    // Long but flat inputs.
    add(
        "a long state name",
        machine(
            &"x".repeat(10_000),
            &[(&"x".repeat(10_000), r#"{"Type": "Succeed"}"#)],
        ),
    );
    add(
        "a 1 MB string",
        pass_with(&format!(r#""Result": "{}""#, "a".repeat(1 << 20))),
    );
    add(
        "a wide object",
        pass_with(&format!(
            r#""Result": {{{}}}"#,
            (0..5000)
                .map(|i| format!(r#""k{i}": {i}"#))
                .collect::<Vec<_>>()
                .join(",")
        )),
    );
    add(
        "many duplicate keys",
        pass_with(&vec![r#""Result": 1"#; 2000].join(", ")),
    );
    add(
        "many unknown fields",
        pass_with(
            &(0..2000)
                .map(|i| format!(r#""F{i}": 1"#))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    );
    v
}

#[test]
fn nasty_hand_picked_inputs() {
    let mut report = Report::default();
    for (what, text) in nasty_inputs() {
        report.run(|| what.clone(), &text);
    }
    report.finish("nasty_hand_picked_inputs");
}

#[test]
fn nasty_display_paths() {
    // The module name comes from the file name.
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;
    let mut failures = Vec::new();
    for path in [
        "",
        ".",
        "..",
        "/",
        ".asl.json",
        "a/.asl.json",
        "123.asl.json",
        "type.asl.json",
        "self.json",
        "Self.json",
        "super.json",
        "crate.json",
        "_.json",
        "__.json",
        "🚀.json",
        "a-b c.asl.json",
        "r#type.json",
        "C:\\flows\\x.json",
        "flows\\fn.json",
        "a.b.c.d",
        "\u{0}.json",
        "ünïcödé.json",
        "mod.json",
        "std.json",
        "core.json",
        "sfn_runtime.json",
    ] {
        if let Err(problem) = check_with_path(path, text) {
            failures.push(format!("display path {path:?}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------
// Deep nesting, each case in a child process

const DEPTH: usize = 10_000;

/// The deep inputs, by name.
fn deep_case(name: &str) -> Option<String> {
    let d = DEPTH;
    let arrays = || format!("{}{}", "[".repeat(d), "]".repeat(d));
    let objects = || format!("{}1{}", r#"{"a":"#.repeat(d), "}".repeat(d));
    Some(match name {
        "document_of_nested_arrays" => arrays(),
        "document_of_nested_objects" => objects(),
        "unclosed_nested_arrays" => "[".repeat(d),
        "result_of_nested_arrays" => pass_with(&format!(r#""Result": {}"#, arrays())),
        "result_of_nested_objects" => pass_with(&format!(r#""Result": {}"#, objects())),
        "parameters_of_nested_objects" => pass_with(&format!(
            r#""Parameters": {}{{"x.$": "$.x"}}{}"#,
            r#"{"a":"#.repeat(d),
            "}".repeat(d)
        )),
        "parameters_of_nested_arrays" => pass_with(&format!(
            r#""Parameters": {{"a": {}{{"x.$": "$.x"}}{}}}"#,
            "[".repeat(d),
            "]".repeat(d)
        )),
        "choice_of_nested_nots" => choice_on(&format!(
            r#"{{"Next": "D", "Not": {}{{"Variable": "$.a", "IsNull": true}}{}}}"#,
            r#"{"Not": "#.repeat(d - 1),
            "}".repeat(d - 1)
        )),
        "choice_of_nested_ands" => choice_on(&format!(
            r#"{{"Next": "D", "And": [{}{{"Variable": "$.a", "IsNull": true}}{}]}}"#,
            r#"{"And": ["#.repeat(d - 1),
            "]}".repeat(d - 1)
        )),
        "filter_of_nested_nots" => {
            pass_with(&format!(r#""InputPath": "$.a[?({}@.x)]""#, "!".repeat(d)))
        }
        "filter_of_nested_parentheses" => pass_with(&format!(
            r#""InputPath": "$.a[?({}@.x{})]""#,
            "(".repeat(d),
            ")".repeat(d)
        )),
        "filter_of_many_ands" => pass_with(&format!(
            r#""InputPath": "$.a[?({})]""#,
            vec!["@.x"; d].join(" && ")
        )),
        "path_of_many_steps" => pass_with(&format!(r#""InputPath": "${}""#, ".a".repeat(d))),
        "chain_of_states" => {
            let names: Vec<String> = (0..d).map(|i| format!("S{i}")).collect();
            let bodies: Vec<String> = (0..d)
                .map(|i| match names.get(i + 1) {
                    Some(next) => format!(r#"{{"Type": "Pass", "Next": "{next}"}}"#),
                    None => r#"{"Type": "Succeed"}"#.to_owned(),
                })
                .collect();
            let states: Vec<(&str, &str)> = names
                .iter()
                .map(String::as_str)
                .zip(bodies.iter().map(String::as_str))
                .collect();
            machine("S0", &states)
        }
        _ => return None,
    })
}

const DEEP_CASES: &[&str] = &[
    "document_of_nested_arrays",
    "document_of_nested_objects",
    "unclosed_nested_arrays",
    "result_of_nested_arrays",
    "result_of_nested_objects",
    "parameters_of_nested_objects",
    "parameters_of_nested_arrays",
    "choice_of_nested_nots",
    "choice_of_nested_ands",
    "filter_of_nested_nots",
    "filter_of_nested_parentheses",
    "filter_of_many_ands",
    "path_of_many_steps",
    "chain_of_states",
];

/// The stack the compiler gets in the child: rustc runs proc macros on its
/// main thread, which has 8 MiB.
const CHILD_STACK: usize = 8 << 20;

/// Runs one deep case when started by [`deep_nesting_does_not_overflow`];
/// does nothing in a normal test run.
#[test]
fn deep_nesting_child() {
    let Ok(name) = std::env::var("SFN_NO_PANIC_DEEP_CASE") else {
        return;
    };
    let text = deep_case(&name).unwrap_or_else(|| panic!("unknown deep case {name}"));
    let result = std::thread::Builder::new()
        .stack_size(CHILD_STACK)
        .spawn(move || {
            let file = SourceFile::new("flows/deep.asl.json", text.as_str());
            eprintln!("STAGE compile");
            let result = caught(|| compile(&file, &Options::default()))
                .map_err(|p| format!("compile panicked: {p}"))?;
            match result {
                Err(diags) => {
                    eprintln!("STAGE render ({} diagnostics)", diags.items.len());
                    for d in &diags.items {
                        if !(d.span.start <= d.span.end && d.span.end <= text.len()) {
                            return Err(format!("span out of bounds: {d:?}"));
                        }
                    }
                    let _ = diags.render(&file);
                    eprintln!(
                        "STAGE done: rejected: {}",
                        shorten(&diags.render_short(&file), 300)
                    );
                }
                Ok(tokens) => {
                    eprintln!("STAGE syn::parse2 of the output");
                    syn::parse2::<syn::File>(tokens)
                        .map_err(|e| format!("output does not parse: {e}"))?;
                    eprintln!("STAGE done: accepted");
                }
            }
            Ok::<(), String>(())
        })
        .expect("spawn")
        .join()
        .expect("child thread");
    if let Err(problem) = result {
        panic!("{name}: {problem}");
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    if std::env::var_os("SFN_NO_PANIC_DEEP_CASE").is_some() {
        return;
    }
    let exe = std::env::current_exe().expect("test binary");
    let mut failures = Vec::new();
    for name in DEEP_CASES {
        assert!(deep_case(name).is_some());
        let output = std::process::Command::new(&exe)
            .args([
                "deep_nesting_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("SFN_NO_PANIC_DEEP_CASE", name)
            .output()
            .expect("run the test binary");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stages: Vec<&str> = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("STAGE "))
            .collect();
        eprintln!(
            "deep case {name}: {}",
            stages.last().unwrap_or(&"<no stage>")
        );
        if !output.status.success() {
            let overflow = stderr.contains("has overflowed its stack");
            failures.push(format!(
                "{name} (depth {DEPTH}, {} MiB stack): {} during `{}`\n{}",
                CHILD_STACK >> 20,
                if overflow { "STACK OVERFLOW" } else { "failed" },
                stages.last().unwrap_or(&"<start>"),
                shorten(
                    &stderr
                        .lines()
                        .filter(|l| !l.starts_with("STAGE "))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    1500
                )
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} deep case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn unique_names_detects_duplicates() {
    let file: syn::File = syn::parse_str(
        "pub mod m { pub enum State { A, B, A } pub trait Handlers { fn f(&self); fn f(&self); } }",
    )
    .expect("parses");
    let err = unique_names(&file.items).expect_err("duplicates");
    assert!(err.contains("`A` twice"), "{err}");
}
