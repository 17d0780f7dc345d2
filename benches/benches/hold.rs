//! The DES hold model on the engine at N = 1e3, 1e5, 1e6 pending events, in events/s
//! (criterion's `Throughput::Elements`). Each iteration dispatches CHUNK events in steady
//! state: the queue stays at N because every firing schedules its successor. The sim is
//! built once per N, outside the measurement.
//!
//! `cargo bench -p sim-benches --bench hold`

use std::time::Instant;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim_benches::hold;
use sim_core::engine::Limits;

const CHUNK: u64 = 100_000;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold");
    group.throughput(Throughput::Elements(CHUNK));
    group.sample_size(20);
    for pending in [1_000u64, 100_000, 1_000_000] {
        let mut sim = hold::setup(pending, u64::MAX, 1_000_000);
        // Warm the queue into steady state before measuring.
        sim.run(Limits {
            until: None,
            budget: Some(2 * pending),
        });
        group.bench_with_input(BenchmarkId::from_parameter(pending), &pending, |b, _| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                sim.run(Limits {
                    until: None,
                    budget: Some(iters * CHUNK),
                });
                start.elapsed()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
