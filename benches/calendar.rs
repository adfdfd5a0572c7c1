//! Working-day queries: ours (constant-time index), a day-by-day loop over
//! the same calendar, and the `bdays` crate's `HolidayCalendarCache` over the
//! same schedule (with `is_bday` overridden to count adjusted working days).
//!
//! Each measurement runs the query over the same 256 start dates (working
//! days spread over 2004–2026); criterion reports the time per query.
//! Targets (issue 3): is_working_day ≤ 5 ns, add_working_days ≤ 20 ns for any
//! n, working_days_between ≤ 10 ns, and add 12 at least 5× faster than bdays.
//!
//! The `projected/*` groups (issue 12) time the same queries on the official
//! calendar projected to 2031 by the statutory rules, over 256 working days
//! of 2027–2031 (`projected`), beside the official calendar over 2004–2025
//! (`official`): the projection keeps the same constant-time index, so the
//! figures should match. `finality_between` is the lookup behind
//! `Deadlines::finality`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::HashSet;
use std::hint::black_box;

use bdays::{HolidayCalendar, HolidayCalendarCache};
use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use social_credit::calendar::{ChinaCalendar, RowKind, WorkCalendar};

/// The official schedule expressed for `bdays`.
struct Bdays {
    holidays: HashSet<NaiveDate>,
    workdays: HashSet<NaiveDate>,
}

impl HolidayCalendar<NaiveDate> for Bdays {
    fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }
    fn is_bday(&self, date: NaiveDate) -> bool {
        self.workdays.contains(&date) || !(bdays::is_weekend(date) || self.is_holiday(date))
    }
}

fn bdays_cache(cal: &ChinaCalendar) -> HolidayCalendarCache<NaiveDate> {
    let mut holidays = HashSet::new();
    let mut workdays = HashSet::new();
    for row in cal.rows() {
        for day in row.first.iter_days().take_while(|d| *d <= row.last) {
            match row.kind {
                RowKind::Holiday => holidays.insert(day),
                RowKind::Workday => workdays.insert(day),
            };
        }
    }
    let cov = cal.coverage();
    HolidayCalendarCache::new(Bdays { holidays, workdays }, *cov.start(), *cov.end())
}

/// 256 working days spread over 2004 to 2025 by a fixed stride.
fn inputs(cal: &ChinaCalendar) -> Vec<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(2004, 1, 2).unwrap();
    (0..256u64)
        .map(|i| {
            let d = start + Days::new((i * 7919) % 8000);
            cal.add_working_days(d, 1).unwrap()
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let cal = ChinaCalendar::official();
    let cache = bdays_cache(&cal);
    let dates = inputs(&cal);
    let n = dates.len() as u64;

    // The two implementations agree on these inputs before we time them.
    for d in &dates {
        assert_eq!(cal.is_working_day(*d).unwrap(), cache.is_bday(*d));
        assert_eq!(
            cal.add_working_days(*d, 12).unwrap(),
            cache.advance_bdays(*d, 12)
        );
    }

    let mut g = c.benchmark_group("is_working_day");
    g.throughput(Throughput::Elements(n));
    g.bench_function("ours", |b| {
        b.iter(|| {
            for d in &dates {
                black_box(cal.is_working_day(black_box(*d)).unwrap());
            }
        })
    });
    g.bench_function("bdays_cached", |b| {
        b.iter(|| {
            for d in &dates {
                black_box(cache.is_bday(black_box(*d)));
            }
        })
    });
    g.finish();

    for k in [5u32, 12, 250] {
        let mut g = c.benchmark_group(format!("add_working_days/{k}"));
        g.throughput(Throughput::Elements(n));
        g.bench_function("ours", |b| {
            b.iter(|| {
                for d in &dates {
                    black_box(cal.add_working_days(black_box(*d), k).unwrap());
                }
            })
        });
        g.bench_function("day_by_day", |b| {
            b.iter(|| {
                for d in &dates {
                    black_box(common::naive_add(&cal, black_box(*d), k).unwrap());
                }
            })
        });
        g.bench_function("bdays_cached", |b| {
            b.iter(|| {
                for d in &dates {
                    black_box(cache.advance_bdays(black_box(*d), k as i32));
                }
            })
        });
        g.finish();
    }

    // Counting a month: (d, d + 30 days].
    let ends: Vec<NaiveDate> = dates.iter().map(|d| *d + Days::new(30)).collect();
    let mut g = c.benchmark_group("working_days_between/month");
    g.throughput(Throughput::Elements(n));
    g.bench_function("ours", |b| {
        b.iter(|| {
            for (a, e) in dates.iter().zip(&ends) {
                black_box(
                    cal.working_days_between(black_box(*a), black_box(*e))
                        .unwrap(),
                );
            }
        })
    });
    g.bench_function("day_by_day", |b| {
        b.iter(|| {
            for (a, e) in dates.iter().zip(&ends) {
                black_box(common::naive_between(&cal, black_box(*a), black_box(*e)).unwrap());
            }
        })
    });
    g.bench_function("bdays_cached", |b| {
        b.iter(|| {
            for (a, e) in dates.iter().zip(&ends) {
                black_box(cache.bdays(black_box(*a), black_box(*e)));
            }
        })
    });
    g.finish();
}

/// 256 working days of 2027–2031 on the projected calendar.
fn projected_inputs(cal: &ChinaCalendar) -> Vec<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    (0..256u64)
        .map(|i| {
            let d = start + Days::new((i * 7919) % 1700);
            cal.add_working_days(d, 1).unwrap()
        })
        .collect()
}

fn projected(c: &mut Criterion) {
    let official = ChinaCalendar::official();
    let projected = ChinaCalendar::official_projected();
    let cases = [
        ("official", &official, inputs(&official)),
        ("projected", &projected, projected_inputs(&projected)),
    ];
    let n = 256;
    let mut g = c.benchmark_group("projected/is_working_day");
    g.throughput(Throughput::Elements(n));
    for (name, cal, dates) in &cases {
        g.bench_function(*name, |b| {
            b.iter(|| {
                for d in dates {
                    black_box(cal.is_working_day(black_box(*d)).unwrap());
                }
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("projected/add_working_days/12");
    g.throughput(Throughput::Elements(n));
    for (name, cal, dates) in &cases {
        g.bench_function(*name, |b| {
            b.iter(|| {
                for d in dates {
                    black_box(cal.add_working_days(black_box(*d), 12).unwrap());
                }
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("projected/working_days_between/month");
    g.throughput(Throughput::Elements(n));
    for (name, cal, dates) in &cases {
        g.bench_function(*name, |b| {
            b.iter(|| {
                for d in dates {
                    let e = *d + Days::new(30);
                    black_box(
                        cal.working_days_between(black_box(*d), black_box(e))
                            .unwrap(),
                    );
                }
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("projected/finality_between/month");
    g.throughput(Throughput::Elements(n));
    for (name, cal, dates) in &cases {
        g.bench_function(*name, |b| {
            b.iter(|| {
                for d in dates {
                    let e = *d + Days::new(30);
                    black_box(cal.finality_between(black_box(*d), black_box(e)).unwrap());
                }
            })
        });
    }
    g.finish();
}

criterion_group!(calendar, benches, projected);
criterion_main!(calendar);
