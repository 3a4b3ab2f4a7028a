//! Graph rules over a parsed definition (ASL §11.1–11.2): transition targets,
//! reachability and terminal states. Each rule is one function.

use std::collections::HashMap;

use crate::ast::{Definition, Spanned};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};

/// Runs every graph rule, appending to `diags`.
pub fn check(def: &Definition, diags: &mut Vec<Diagnostic>) {
    let index: HashMap<&str, usize> = def
        .states
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let start_ok = check_start_at(def, &index, diags);
    let targets_ok = check_targets(def, &index, diags);
    let has_terminal = check_terminal(def, diags);
    // After a misspelled target, its intended state would be reported as
    // unreachable too; one mistake should give one error.
    if start_ok && targets_ok && has_terminal {
        check_reachable(def, &index, diags);
    }
}

fn missing_target(target: &Spanned<String>, def: &Definition, field: &str) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::MissingTransitionTarget,
        target.span,
        format!(
            "`{field}` names state `{}`, which does not exist",
            target.value
        ),
    )
    .label("no state with this name in this `States` block");
    if let Some(similar) = did_you_mean(&target.value, def.states.iter().map(|s| s.name.as_str())) {
        d = d.help(format!("did you mean `{similar}`?"));
    }
    d
}

/// V11: `StartAt` names a state of the same block.
fn check_start_at(
    def: &Definition,
    index: &HashMap<&str, usize>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if index.contains_key(def.start_at.value.as_str()) {
        return true;
    }
    diags.push(missing_target(&def.start_at, def, "StartAt"));
    false
}

/// V12: every `Next`, `Default`, `Choices[].Next` and `Catch[].Next` names a state of the same block.
fn check_targets(
    def: &Definition,
    index: &HashMap<&str, usize>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    for state in &def.states {
        for target in &state.targets {
            if !index.contains_key(target.value.as_str()) {
                diags.push(missing_target(target, def, "Next"));
                ok = false;
            }
        }
    }
    ok
}

/// V8: the top level has at least one terminal state.
fn check_terminal(def: &Definition, diags: &mut Vec<Diagnostic>) -> bool {
    if def.states.is_empty() || def.states.iter().any(|s| s.terminal) {
        return true;
    }
    diags.push(
        Diagnostic::new(
            Code::MissingEndState,
            def.states_span,
            "the workflow has no terminal state",
        )
        .label("no state here ends the execution")
        .help("add `\"End\": true` to a state, or a Succeed or Fail state"),
    );
    false
}

/// V13: every state is reachable from `StartAt` (a traversal, so unreachable cycles count too).
fn check_reachable(def: &Definition, index: &HashMap<&str, usize>, diags: &mut Vec<Diagnostic>) {
    let mut seen = vec![false; def.states.len()];
    let mut stack = vec![index[def.start_at.value.as_str()]];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        stack.extend(
            def.states[i]
                .targets
                .iter()
                .filter_map(|t| index.get(t.value.as_str()).copied()),
        );
    }
    for (state, reached) in def.states.iter().zip(seen) {
        if !reached {
            diags.push(
                Diagnostic::new(
                    Code::UnreachableState,
                    state.name_span,
                    format!("state `{}` is not reachable", state.name),
                )
                .label("no transition from `StartAt` leads here")
                .help("transition to it from another state, or remove it"),
            );
        }
    }
}
