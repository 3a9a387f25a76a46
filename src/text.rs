//! Text helpers shared by every domain's validation.

/// How many characters of rejected input an error carries.
const EXCERPT_MAX_CHARS: usize = 80;

/// The first 80 characters of rejected input: an error names what it rejected without carrying an unbounded
/// string.
pub(crate) fn excerpt(input: &str) -> String {
    input.chars().take(EXCERPT_MAX_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_keep_the_first_80_characters() {
        assert_eq!(excerpt("short"), "short");
        let long: String = "ệ".repeat(81);
        assert_eq!(excerpt(&long).chars().count(), 80);
        assert_eq!(excerpt(&long), "ệ".repeat(80));
    }
}
