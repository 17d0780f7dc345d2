//! kube-proxy's data path at scale, one node: syncing 1,000 Services × 3 endpoints, and
//! 1,000 new connections through the synced node, in iptables, ipvs and userspace modes. The
//! `services` binary runs the 100,000-connection figures of docs/performance.md.
//!
//! `cargo bench -p sim-benches --bench services`

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim_benches::services::{self, Mode};
use sim_core::engine::{Dur, SimTime};

fn bench(c: &mut Criterion) {
    let svcs = services::services(1000, 3);
    let mut group = c.benchmark_group("services");
    group.sample_size(10);
    for mode in [Mode::Iptables, Mode::Ipvs, Mode::Userspace] {
        group.bench_with_input(
            BenchmarkId::new("sync-1000", format!("{mode:?}")),
            &mode,
            |b, m| b.iter(|| services::sync(*m, &svcs).rules),
        );
    }
    group.throughput(Throughput::Elements(1000));
    for mode in [Mode::Iptables, Mode::Ipvs, Mode::Userspace] {
        group.bench_with_input(
            BenchmarkId::new("connect-1000", format!("{mode:?}")),
            &mode,
            |b, m| {
                b.iter_batched(
                    || services::sync(*m, &svcs),
                    |mut node| {
                        let mut cost = 0;
                        for i in 0..1000 {
                            let now = SimTime::ZERO + Dur::from_micros(i as u64);
                            cost += node.connect(i, 1024 + i as u16, now).0;
                        }
                        cost
                    },
                    BatchSize::LargeInput,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
