//! What a store prints and serializes by default (issue 17, defect 8): the
//! key of a person's documents (`person:<number>`) with the number masked,
//! a document's body and sealed part not at all, and a problem text from a
//! parser with the values it quotes left out. The store itself keeps
//! everything whole; only `Debug`, `Display` and the default serialization
//! are concerned.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::{Doc, Due, Dump, Table};

/// The shortest run of digits (and `X`) masked in a key or a problem text:
/// a first-generation citizen identity number has 15 digits.
const NUMBER_RUN: usize = 15;

/// `s` with its middle masked: the first 6 and last 4 characters kept when
/// it has at least 14 (as a masked citizen identity number,
/// `340524********001X`), every character masked otherwise.
fn mask_middle(s: &str) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if n >= 14 && (i < 6 || i + 4 >= n) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// `text` with every run of at least 15 digits (and `X`, `x`) masked.
fn mask_number_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= NUMBER_RUN {
            out.push_str(&mask_middle(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || c == 'X' || c == 'x' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The printable form of a store key or a document's subject key: the part
/// after `person:` masked (a person's number), and any run of 15 or more
/// digits masked wherever it is. Other keys (an organization's code, a
/// zero-padded numeric id, a pseudonym) are printed as they are.
///
/// ```
/// use social_credit::store::masked_key;
///
/// assert_eq!(masked_key("person:34052419800101001X"), "person:340524********001X");
/// assert_eq!(masked_key("person:Zhang"), "person:*****");
/// assert_eq!(masked_key("org:91350100M000100Y43"), "org:91350100M000100Y43");
/// assert_eq!(masked_key("00000000000000000042"), "00000000000000000042");
/// ```
pub fn masked_key(key: &str) -> String {
    match key.split_once(':') {
        Some((kind, rest)) if kind == "person" => format!("{kind}:{}", mask_middle(rest)),
        _ if key.bytes().all(|b| b.is_ascii_digit()) => key.to_owned(),
        _ => mask_number_runs(key),
    }
}

/// A parser's problem text (a serde error, for instance) with what it quotes
/// left out: the content of double quotes, of backticks unless it is a
/// plain lower-case name (a field or variant name such as `subject`), and
/// every run of 15 or more digits. What is wrong and where stays.
///
/// ```
/// use social_credit::store::masked_problem;
///
/// assert_eq!(
///     masked_problem(r#"invalid type: string "李四 13800000000", expected struct SealedReporter at line 1 column 20"#),
///     r#"invalid type: string "…", expected struct SealedReporter at line 1 column 20"#
/// );
/// assert_eq!(
///     masked_problem("unknown variant `34052419800101001X`, expected `organization` or `person`"),
///     "unknown variant `…`, expected `organization` or `person`"
/// );
/// ```
pub fn masked_problem(problem: &str) -> String {
    let mut out = String::with_capacity(problem.len());
    let mut rest = problem;
    while let Some(i) = rest.find(['"', '`']) {
        let (before, from) = rest.split_at(i);
        out.push_str(&mask_number_runs(before));
        let quote = if from.starts_with('"') { '"' } else { '`' };
        let inner_start = quote.len_utf8();
        let Some(inner) = from.get(inner_start..) else {
            break;
        };
        match inner.find(quote) {
            Some(end) => {
                let quoted = inner.get(..end).unwrap_or_default();
                let plain = quote == '`'
                    && !quoted.is_empty()
                    && quoted.len() <= 40
                    && quoted
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
                    && !quoted.bytes().all(|b| b.is_ascii_digit());
                out.push(quote);
                out.push_str(if plain { quoted } else { "…" });
                out.push(quote);
                rest = inner.get(end + quote.len_utf8()..).unwrap_or_default();
            }
            None => {
                // An unclosed quote: nothing after it is printed.
                out.push(quote);
                out.push('…');
                rest = "";
            }
        }
    }
    out.push_str(&mask_number_runs(rest));
    out
}

impl fmt::Debug for Doc {
    /// The subject key masked, the body's length, whether there is a sealed
    /// part: never the content, which holds identity numbers and names whole
    /// (the storage representation) and a tip-off's reporter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Doc")
            .field("subject", &self.subject.as_deref().map(masked_key))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("sealed", &self.sealed.as_ref().map(|_| Sealed))
            .finish()
    }
}

struct Sealed;

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<sealed>")
    }
}

impl Serialize for Doc {
    /// Whole inside [`crate::subject::with_whole_identifiers`] (a backup: the
    /// storage representation, which reads back); otherwise redacted as
    /// `Debug` is (`subject` masked, `body_bytes`, `sealed: true`), which
    /// does not read back as a `Doc`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if crate::subject::whole_identifiers() {
            let fields = if self.sealed.is_some() { 3 } else { 2 };
            let mut s = serializer.serialize_struct("Doc", fields)?;
            s.serialize_field("subject", &self.subject)?;
            s.serialize_field("body", &self.body)?;
            if let Some(sealed) = &self.sealed {
                s.serialize_field("sealed", sealed)?;
            }
            s.end()
        } else {
            let mut s = serializer.serialize_struct("Doc", 3)?;
            s.serialize_field("subject", &self.subject.as_deref().map(masked_key))?;
            s.serialize_field("body_bytes", &self.body.len())?;
            s.serialize_field("sealed", &self.sealed.is_some())?;
            s.end()
        }
    }
}

/// A dump's tables with each key as [`masked_key`] prints it.
struct MaskedTables<'a>(&'a Dump);

impl MaskedTables<'_> {
    fn tables(&self) -> impl Iterator<Item = (Table, Vec<(String, &Doc)>)> + '_ {
        self.0.tables.iter().map(|(table, docs)| {
            let docs = docs
                .iter()
                .map(|(key, doc)| (masked_key(key), doc))
                .collect();
            (*table, docs)
        })
    }
}

impl fmt::Debug for MaskedTables<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.tables().map(|(table, docs)| (table, MaskedDocs(docs))))
            .finish()
    }
}

struct MaskedDocs<'a>(Vec<(String, &'a Doc)>);

impl fmt::Debug for MaskedDocs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, d)| (k, d)))
            .finish()
    }
}

impl Serialize for MaskedTables<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.tables.len()))?;
        for (table, docs) in self.tables() {
            map.serialize_entry(&table, &MaskedDocsSer(docs))?;
        }
        map.end()
    }
}

struct MaskedDocsSer<'a>(Vec<(String, &'a Doc)>);

impl Serialize for MaskedDocsSer<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, d)| (k, d)))
    }
}

/// A dump's due days with each key as [`masked_key`] prints it.
struct MaskedDue<'a>(&'a Dump);

impl MaskedDue<'_> {
    fn tables(&self) -> impl Iterator<Item = (Table, BTreeMap<String, NaiveDate>)> + '_ {
        self.0.due.iter().map(|(table, days)| {
            let days = days
                .iter()
                .map(|(key, day)| (masked_key(key), *day))
                .collect();
            (*table, days)
        })
    }
}

impl fmt::Debug for MaskedDue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.tables()).finish()
    }
}

impl Serialize for MaskedDue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.tables())
    }
}

impl fmt::Debug for Due {
    /// The key and the subject masked ([`masked_key`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Due")
            .field("key", &masked_key(&self.key))
            .field("subject", &self.subject.as_deref().map(masked_key))
            .field("on", &self.on)
            .finish()
    }
}

impl fmt::Debug for Dump {
    /// Keys masked ([`masked_key`]), documents as [`Doc`]'s `Debug`; the
    /// audit log as it is (it names persons by pseudonym only).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dump")
            .field("tables", &MaskedTables(self))
            .field("due", &MaskedDue(self))
            .field("audit", &self.audit)
            .finish()
    }
}

impl Serialize for Dump {
    /// Whole inside [`crate::subject::with_whole_identifiers`] (a backup,
    /// which reads back); otherwise keys masked and documents redacted as
    /// [`Doc`] serializes them.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = if self.due.is_empty() { 2 } else { 3 };
        let mut s = serializer.serialize_struct("Dump", fields)?;
        if crate::subject::whole_identifiers() {
            s.serialize_field("tables", &self.tables)?;
            if !self.due.is_empty() {
                s.serialize_field("due", &self.due)?;
            }
        } else {
            s.serialize_field("tables", &MaskedTables(self))?;
            if !self.due.is_empty() {
                s.serialize_field("due", &MaskedDue(self))?;
            }
        }
        s.serialize_field("audit", &self.audit)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_runs_are_masked_and_short_ones_kept() {
        assert_eq!(
            mask_number_runs("audit 12 of 340524800101001"),
            "audit 12 of 340524*****1001"
        );
    }

    #[test]
    fn an_unclosed_quote_hides_the_rest() {
        assert_eq!(masked_problem("EOF in \"李四 1380"), "EOF in \"…");
    }

    #[test]
    fn field_names_in_backticks_stay() {
        assert_eq!(
            masked_problem("missing field `received_on` at line 1 column 2"),
            "missing field `received_on` at line 1 column 2"
        );
    }
}
