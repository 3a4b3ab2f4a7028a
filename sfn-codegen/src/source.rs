//! Workflow source text and positions inside it.

/// A byte range into a source file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The range `start..end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// A workflow file: the path shown to users and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user wrote it (relative to the manifest), for messages.
    pub display_path: String,
    /// The file's text.
    pub text: String,
    /// Where each line starts, computed on first use.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// A source file from its display path and text.
    pub fn new(display_path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            display_path: display_path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        // The last line start at or before `offset`.
        let line = starts.partition_point(|&start| start <= offset);
        let line_start = starts[line - 1];
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line, column)
    }
}
