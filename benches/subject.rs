//! Parsing identifiers: the cost of validation on every request.

use criterion::{criterion_group, criterion_main, Criterion};
use social_credit::subject::{ResidentId, Uscc};
use std::hint::black_box;

fn parse(c: &mut Criterion) {
    c.bench_function("uscc/parse", |b| {
        b.iter(|| Uscc::parse(black_box("91350100M000100Y43")))
    });
    c.bench_function("resident_id/parse", |b| {
        b.iter(|| ResidentId::parse(black_box("34052419800101001X")))
    });
}

criterion_group!(benches, parse);
criterion_main!(benches);
