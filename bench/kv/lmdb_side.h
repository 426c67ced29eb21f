/* bench/kv: the LMDB half of the comparison and host helpers, compiled
 * with the C library (hosted flags); the mote half (kvbench.c) is
 * freestanding and calls these synchronously. */
#ifndef BENCH_KV_LMDB_SIDE_H
#define BENCH_KV_LMDB_SIDE_H

#include <stdint.h>

typedef struct kvb_result {
    double ops_per_s;
    double p50_us, p99_us;
    double write_amp;     /* bytes written / bytes of keys+values committed */
    double cpu_ops_per_s; /* ops per second of this thread's CPU time */
} kvb_result_t;

/* This thread's CPU time in ns: unlike the wall clock, it does not count
 * the time other processes of a shared machine take the CPU. */
uint64_t kvb_cpu_ns(void);

/* Bytes this process has passed to write()/pwrite() so far (/proc/self/io
 * wchar): the same measure of write amplification for both stores. */
uint64_t kvb_wchar(void);

/* Latency statistics of (n) samples in ns (sorted in place). */
void kvb_stats(uint64_t *lat, uint32_t n, double secs, kvb_result_t *r);

/* The key and value of record (i) into (k) (16 bytes) and (v) (vlen). */
void kvb_key(uint32_t i, char *k);
void kvb_val(uint32_t i, uint32_t ver, char *v, uint32_t vlen);

/* LMDB on the same workload, one phase at a time so the two stores can
 * run their phases alternately (a shared machine's noise then hits both).
 * The database lives in file (path). Each returns 0 on success. */
enum { KVB_LOAD, KVB_READ, KVB_WRITE, KVB_SCAN };
int kvb_lmdb_open(const char *path, uint64_t seed, uint32_t maxlat);
/* KVB_LOAD: n keys, 1000 a commit; KVB_READ: (count) random gets;
 * KVB_WRITE: (count) commits of (per) random puts; KVB_SCAN: all keys. */
int kvb_lmdb_phase(int phase, uint32_t n, uint32_t count, uint32_t per,
                   uint32_t vlen, kvb_result_t *r);
void kvb_lmdb_close(void);

/* Write the results table line for one measurement (cpu: add the
 * per-CPU-second rates). */
void kvb_print(const char *what, const kvb_result_t *ours,
               const kvb_result_t *lmdb);

#endif
