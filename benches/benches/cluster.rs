//! A flannel cluster end to end (build, leases, sandboxes, then cross-node pod pings) in
//! simulated packets per second of wall time (criterion's `Throughput::Elements`), for the
//! udp and vxlan backends. 20 nodes × 10 pods and 200 pings keep an iteration short; the
//! `cluster` binary runs the 100 × 30 figure of docs/performance.md.
//!
//! `cargo bench -p sim-benches --bench cluster`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim_benches::cluster;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("cluster");
    group.sample_size(10);
    for backend in ["udp", "vxlan"] {
        // The packet count of one run, for the throughput (every run is identical).
        let mut probe = cluster::setup(20, 10, backend);
        probe.traffic(200);
        group.throughput(Throughput::Elements(probe.counts().packets));
        group.bench_with_input(
            BenchmarkId::from_parameter(backend),
            &backend,
            |b, backend| {
                b.iter(|| {
                    let mut c = cluster::setup(20, 10, backend);
                    c.traffic(200);
                    c.counts()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
