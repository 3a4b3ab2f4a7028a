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
}

impl SourceFile {
    /// A source file from its display path and text.
    pub fn new(display_path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            display_path: display_path.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or(&self.text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }
}
