//! Diagnostics: located, coded messages about a workflow file, and their rendering.

use std::fmt;

use annotate_snippets::{Level, Renderer, Snippet};

use crate::source::{SourceFile, Span};

/// The stable code of a diagnostic, shown as `error[code]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// The file is not valid JSON.
    InvalidJson,
    /// A required field is missing.
    MissingField,
    /// A field the ASL does not define for this object.
    UnknownField,
    /// A field's value has the wrong JSON type.
    WrongType,
    /// A field's value is out of range or not one of the allowed values.
    InvalidValue,
    /// Two fields that exclude each other are both present, or neither of a required pair.
    ExclusiveFields,
    /// The same key twice in one object.
    DuplicateKey,
    /// A `Next`, `Default` or `StartAt` names no state of its block.
    MissingTransitionTarget,
    /// A state no transition reaches.
    UnreachableState,
    /// No terminal state at the top level.
    MissingEndState,
    /// A state name used twice in the definition.
    DuplicateStateName,
    /// A state name over 80 characters.
    InvalidStateName,
    /// A malformed path or reference path.
    InvalidPath,
    /// A malformed payload template member.
    InvalidTemplate,
    /// A malformed timestamp literal.
    InvalidTimestamp,
    /// A malformed Task resource.
    InvalidResource,
    /// Misplaced `States.ALL` or a malformed retrier/catcher.
    InvalidErrorHandler,
    /// A malformed intrinsic function call, or one with wrong arguments.
    InvalidIntrinsic,
    /// A Map `Label` used twice in the definition.
    DuplicateLabel,
    /// A valid ASL feature this compiler does not support yet.
    Unsupported,
}

impl Code {
    /// The code as printed: `missing-transition-target`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidJson => "invalid-json",
            Code::MissingField => "missing-field",
            Code::UnknownField => "unknown-field",
            Code::WrongType => "wrong-type",
            Code::InvalidValue => "invalid-value",
            Code::ExclusiveFields => "exclusive-fields",
            Code::DuplicateKey => "duplicate-key",
            Code::MissingTransitionTarget => "missing-transition-target",
            Code::UnreachableState => "unreachable-state",
            Code::MissingEndState => "missing-end-state",
            Code::DuplicateStateName => "duplicate-state-name",
            Code::InvalidStateName => "invalid-state-name",
            Code::InvalidPath => "invalid-path",
            Code::InvalidTemplate => "invalid-template",
            Code::InvalidTimestamp => "invalid-timestamp",
            Code::InvalidResource => "invalid-resource",
            Code::InvalidErrorHandler => "invalid-error-handler",
            Code::InvalidIntrinsic => "invalid-intrinsic",
            Code::DuplicateLabel => "duplicate-label",
            Code::Unsupported => "unsupported",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in a workflow file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// What is wrong, rustc style: lowercase, names in backticks.
    pub message: String,
    /// Where.
    pub span: Span,
    /// A short label under the source snippet.
    pub label: Option<String>,
    /// How to fix it, when that is clear.
    pub help: Option<String>,
    /// Another place that explains the problem, with its label.
    pub secondary: Option<Box<(Span, String)>>,
}

impl Diagnostic {
    /// A diagnostic with a code, a location and a message.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            span,
            label: None,
            help: None,
            secondary: None,
        }
    }

    /// Points at another place that explains the problem.
    pub fn secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary = Some(Box::new((span, label.into())));
        self
    }

    /// Adds a label shown under the source snippet.
    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Adds a `help:` line.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The snippet rendering, as rustc prints its own errors:
    ///
    /// ```text
    /// error[missing-transition-target]: …
    ///  --> flows/order.asl.json:7:15
    ///   |
    /// 7 |       "Next": "Shp",
    ///   |               ^^^^^ …
    /// ```
    pub fn render(&self, file: &SourceFile) -> String {
        let title = self.message.as_str();
        // Show CRLF files without their carriage returns, moving the span to match.
        let removed_before =
            |at: usize| file.text.get(..at).map_or(0, |t| t.matches("\r\n").count());
        let text = file.text.replace("\r\n", "\n");
        let start = self.span.start.min(file.text.len());
        let end = self.span.end.clamp(start, file.text.len());
        let (start, end) = (start - removed_before(start), end - removed_before(end));
        let annotation = Level::Error.span(start..end);
        let annotation = match &self.label {
            Some(label) => annotation.label(label),
            None => annotation,
        };
        let mut snippet = Snippet::source(&text)
            .origin(&file.display_path)
            .fold(true)
            .annotation(annotation);
        if let Some((span, label)) = self.secondary.as_deref() {
            let s = span.start.min(file.text.len());
            let e = span.end.clamp(s, file.text.len());
            let (s, e) = (s - removed_before(s), e - removed_before(e));
            snippet = snippet.annotation(Level::Info.span(s..e).label(label));
        }
        let mut message = Level::Error
            .title(title)
            .id(self.code.as_str())
            .snippet(snippet);
        if let Some(help) = &self.help {
            message = message.footer(Level::Help.title(help));
        }
        Renderer::plain().render(message).to_string()
    }

    /// One line: `path:line:column: error[code]: message`, for editors and build.rs.
    pub fn render_short(&self, file: &SourceFile) -> String {
        let (line, column) = file.line_col(self.span.start);
        let mut out = format!(
            "{}:{line}:{column}: error[{}]: {}",
            file.display_path, self.code, self.message
        );
        if let Some(help) = &self.help {
            out.push_str(" (help: ");
            out.push_str(help);
            out.push(')');
        }
        out
    }
}

/// All the problems found in one file, in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    /// The diagnostics.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Every diagnostic rendered as a snippet, separated by blank lines.
    pub fn render(&self, file: &SourceFile) -> String {
        self.items
            .iter()
            .map(|d| d.render(file))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// Every diagnostic as one short line.
    pub fn render_short(&self, file: &SourceFile) -> String {
        self.items
            .iter()
            .map(|d| d.render_short(file))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The candidate closest to `name`, if one is close enough to be a likely typo.
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance over characters where a swap of two neighbours counts as one
/// edit (optimal string alignment), so `Taks` is one edit from `Task`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}
