//! Cluster DNS: every pod of a kubeadm cluster resolving a Service's short name through
//! CoreDNS, in simulated DNS queries per second of wall time (criterion's
//! `Throughput::Elements`), with CoreDNS's cache on and off. 10 nodes × 20 pods and 50
//! Services keep an iteration short (setup included); the `dns` binary runs the 10,000-pod
//! figure of docs/performance.md.
//!
//! `cargo bench -p sim-benches --bench dns`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim_benches::dns;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("dns");
    group.sample_size(10);
    for cache in [true, false] {
        let label = if cache { "cache-on" } else { "cache-off" };
        // The query count of one run, for the throughput (every run is identical).
        let mut probe = dns::setup(10, 20, 50, cache);
        probe.traffic(4, false);
        group.throughput(Throughput::Elements(probe.counts().queries));
        group.bench_with_input(BenchmarkId::from_parameter(label), &cache, |b, &cache| {
            b.iter(|| {
                let mut c = dns::setup(10, 20, 50, cache);
                c.traffic(4, false);
                c.counts()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
