//! The example HTTP service under many slow and busy connections (issue
//! 18): it keeps answering, its threads stay bounded, and connections that
//! never send a whole request are closed. One test in its own binary, so
//! that the process's thread count is the service's.
#![cfg(feature = "sqlite")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)]
#[path = "../examples/http_service.rs"]
mod http_service;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_service::{App, Limits, Tokens};
use social_credit::registry::Registry;
use social_credit::store::SqliteStore;

/// A field of /proc/self/status, as a number (`Threads`, `VmRSS` in kB).
fn status(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

fn public_request() -> &'static [u8] {
    b"GET /public/91350100M000100Y43?on=2019-04-01 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
}

/// The status of a whole response read from `stream`.
fn read_status(stream: &mut TcpStream) -> u16 {
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let head = String::from_utf8_lossy(&response);
    head.get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in `{head}`"))
}

#[test]
fn many_slow_and_busy_connections_stay_bounded() {
    let limits = Limits {
        header_timeout: Duration::from_millis(800),
        requests_per_second: 100_000,
        ..Limits::default()
    };
    let blocking = limits.blocking_operations as u64;
    let concurrent = limits.concurrent_requests;
    let registry = Arc::new(Registry::official(SqliteStore::open_in_memory().unwrap()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = App::new(registry, Tokens::default(), &limits);
    let server = std::thread::spawn(move || {
        let runtime = http_service::runtime(&limits).unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            http_service::serve(listener, app, limits, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
    });
    let answer = || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(public_request()).unwrap();
        read_status(&mut s)
    };
    // Warm: the blocking pool has started.
    assert_eq!(answer(), 404);
    let threads = status("Threads");
    let rss = status("VmRSS");

    // 200 connections that never finish a request head: 100 silent, 100
    // sending half a head.
    let mut slow: Vec<TcpStream> = (0..200)
        .map(|i| {
            let mut s = TcpStream::connect(addr).unwrap();
            if i % 2 == 1 {
                s.write_all(b"GET /public/91350100M000100Y43 HTTP/1.1\r\nHost: x\r\n")
                    .unwrap();
            }
            s
        })
        .collect();
    // The service still answers, at once.
    let started = Instant::now();
    assert_eq!(answer(), 404);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(status("Threads") <= threads + blocking, "threads grew");
    // Each slow connection is closed once its head is late.
    let started = Instant::now();
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 64];
        match s.read(&mut buf) {
            Ok(0) | Err(_) => {}
            // hyper may answer a half head with 408 before closing.
            Ok(_) => {
                let mut rest = Vec::new();
                let _ = s.read_to_end(&mut rest);
            }
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "slow connections were closed after {:?}",
        started.elapsed()
    );
    drop(slow);

    // 300 busy connections at once, each a whole request the registry
    // answers on a blocking thread: at most `blocking` such threads run,
    // requests beyond `concurrent` are refused at once (503), none waits
    // unanswered.
    let mut busy: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.write_all(public_request()).unwrap();
            s
        })
        .collect();
    let mut most_threads = 0;
    let mut statuses = std::collections::BTreeMap::new();
    for s in &mut busy {
        most_threads = most_threads.max(status("Threads"));
        *statuses.entry(read_status(s)).or_insert(0) += 1;
    }
    assert!(
        most_threads <= threads + blocking,
        "{most_threads} threads, from {threads}"
    );
    assert!(
        statuses.keys().all(|s| *s == 404 || *s == 503),
        "{statuses:?}"
    );
    assert!(statuses.get(&404).copied().unwrap_or(0) >= concurrent.min(300));
    // Memory: a few MiB for all of it (the unbounded service took 1.36 GB
    // for 500 busy connections).
    let grown = status("VmRSS").saturating_sub(rss);
    eprintln!(
        "threads {threads} at rest, at most {most_threads} under load; answers {statuses:?}; RSS +{grown} kB"
    );
    assert!(grown < 64 * 1024, "RSS grew by {grown} kB");
    assert_eq!(answer(), 404);

    let _ = stop.send(());
    server.join().unwrap();
}
