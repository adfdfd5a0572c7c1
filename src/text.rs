//! Text forms: the names a service reads from a form, a URL or a file.
//!
//! Every enum a service takes from outside ([`Severity`](crate::Severity),
//! [`Section`](crate::Section), [`ListKind`](crate::ListKind),
//! [`PenaltyKind`](crate::repair::PenaltyKind), …) parses with [`FromStr`](std::str::FromStr)
//! and round-trips through its `Display`: `x.to_string().parse() == Ok(x)`.
//! Each accepts, ignoring surrounding whitespace:
//!
//! - its identifier, the name serde uses (`serious`, `social_affairs`), in
//!   any ASCII case; `as_str` gives it;
//! - its English name (`Social Affairs Section`), in any ASCII case, and its
//!   Chinese name (`社会事务科`), where it has them;
//! - its `Display` form (`serious 较重`).
//!
//! A text that names none of them is a [`ParseNameError`] that lists the
//! identifiers accepted. The error quotes at most the first 40 characters of
//! the input, with every digit after the sixth masked: a citizen identity
//! number typed into the wrong field is never echoed whole.

use std::fmt;

/// A text that names no value of the kind asked for.
///
/// # Example
///
/// ```
/// use social_credit::Severity;
///
/// assert_eq!("较重".parse::<Severity>()?, Severity::Serious);
/// let err = "34052419800101001X".parse::<Severity>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "`340524************` is not a severity; expected one of \
///      `minor`, `general`, `serious`, `severe`"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a {what}; expected one of {}", Accepted(accepted))]
#[non_exhaustive]
pub struct ParseNameError {
    /// What was asked for, e.g. `severity`.
    pub what: &'static str,
    /// The input as shown: its first 40 characters, digits after the sixth
    /// masked with `*`.
    pub input: String,
    /// The identifiers accepted.
    pub accepted: Vec<&'static str>,
}

impl ParseNameError {
    /// An error for `input`, shown masked.
    pub(crate) fn new(what: &'static str, input: &str, accepted: Vec<&'static str>) -> Self {
        Self {
            what,
            input: shown(input),
            accepted,
        }
    }
}

struct Accepted<'a>(&'a [&'static str]);

impl fmt::Display for Accepted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{a}`")?;
        }
        Ok(())
    }
}

/// The form of an input an error may quote: its first 40 characters, every
/// ASCII digit after the sixth replaced by `*` (a citizen identity number
/// keeps only its division code, which is not personal).
pub(crate) fn shown(input: &str) -> String {
    let mut digits = 0usize;
    let mut out = String::new();
    for (i, c) in input.chars().enumerate() {
        if i == 40 {
            out.push('…');
            break;
        }
        if c.is_ascii_digit() {
            digits += 1;
            out.push(if digits > 6 { '*' } else { c });
        } else if digits >= 6 && c.is_ascii_alphanumeric() {
            // A check character `X` after a number's digits.
            out.push('*');
        } else {
            out.push(c);
        }
    }
    out
}

/// An enum with text forms (see the module documentation).
pub(crate) trait Named: Copy + fmt::Display + 'static {
    /// What the value is called in an error, e.g. `severity`.
    const WHAT: &'static str;
    /// Every value.
    const VALUES: &'static [Self];
    /// The identifier (serde's name).
    fn identifier(self) -> &'static str;
    /// The English and Chinese names, where the value has them.
    fn names(self) -> Option<(&'static str, &'static str)> {
        None
    }
}

/// Parses `input` as one of `T`'s values (see the module documentation).
pub(crate) fn parse_named<T: Named>(input: &str) -> Result<T, ParseNameError> {
    let text = input.trim();
    T::VALUES
        .iter()
        .copied()
        .find(|v| {
            text.eq_ignore_ascii_case(v.identifier())
                || v.names()
                    .is_some_and(|(en, zh)| text.eq_ignore_ascii_case(en) || text == zh)
                || text == v.to_string()
        })
        .ok_or_else(|| {
            ParseNameError::new(
                T::WHAT,
                input,
                T::VALUES.iter().map(|v| v.identifier()).collect(),
            )
        })
}

/// Parses an identifier a store gives: `R7` for `prefix` `R`, or `7`.
pub(crate) fn parse_id(
    input: &str,
    prefix: char,
    what: &'static str,
) -> Result<u64, ParseNameError> {
    let text = input.trim();
    let digits = text
        .strip_prefix(prefix)
        .or_else(|| text.strip_prefix(prefix.to_ascii_lowercase()))
        .unwrap_or(text);
    // `u64::from_str` takes a leading `+`, which no identifier has.
    if digits.starts_with('+') {
        return Err(ParseNameError::new(what, input, vec![id_form(prefix)]));
    }
    digits
        .parse()
        .map_err(|_| ParseNameError::new(what, input, vec![id_form(prefix)]))
}

fn id_form(prefix: char) -> &'static str {
    match prefix {
        'R' => "R<number>",
        'L' => "L<number>",
        'O' => "O<number>",
        _ => "<number>",
    }
}

/// Implements [`Named`], `as_str` and `FromStr` for a field-less enum:
/// `text_forms!(Type, "what", names?, [Variant => "identifier", …])`.
macro_rules! text_forms {
    ($ty:ty, $what:literal, $names:expr, [$($variant:ident => $id:literal),+ $(,)?]) => {
        impl $crate::text::Named for $ty {
            const WHAT: &'static str = $what;
            const VALUES: &'static [Self] = &[$(Self::$variant),+];
            fn identifier(self) -> &'static str {
                self.as_str()
            }
            fn names(self) -> Option<(&'static str, &'static str)> {
                let names: Option<fn(Self) -> (&'static str, &'static str)> = $names;
                names.map(|n| n(self))
            }
        }

        impl $ty {
            /// The identifier: the name serde uses, and the form a service
            /// passes in a URL or a file (it parses back with `FromStr`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $id),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::text::ParseNameError;

            /// Parses the identifier, the English or Chinese name, or the
            /// `Display` form (see [`text`](crate::text)).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::text::parse_named(s)
            }
        }
    };
}

pub(crate) use text_forms;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_masks_digits_after_the_sixth() {
        assert_eq!(shown("34052419800101001X"), "340524************");
        assert_eq!(shown("serous"), "serous");
        assert_eq!(shown("r12"), "r12");
        let long = "a".repeat(50);
        assert_eq!(shown(&long).chars().count(), 41);
    }
}
