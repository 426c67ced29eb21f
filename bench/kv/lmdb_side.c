/* bench/kv: LMDB on the same workload, storage and durability as the
 * mote store (default LMDB sync mode: every commit is durable). */
#include "bench/kv/lmdb_side.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t kvb_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t kvb_wchar(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    char line[128];
    unsigned long long v = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "wchar: %llu", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void kvb_stats(uint64_t *lat, uint32_t n, double secs, kvb_result_t *r)
{
    qsort(lat, n, sizeof *lat, cmp_u64);
    r->ops_per_s = secs > 0 ? n / secs : 0;
    r->p50_us = n ? lat[n / 2] / 1000.0 : 0;
    r->p99_us = n ? lat[(uint64_t)n * 99 / 100] / 1000.0 : 0;
}

/* Keys are a fixed permutation of 0..n-1 spread over the key space. */
void kvb_key(uint32_t i, char *k)
{
    snprintf(k, 17, "k%015u", (unsigned)(i * 2654435761u));
}

void kvb_val(uint32_t i, uint32_t ver, char *v, uint32_t vlen)
{
    for (uint32_t j = 0; j < vlen; j++)
        v[j] = (char)('a' + (i + ver + j) % 26);
}

static uint64_t rng;
static uint32_t rnd(uint32_t n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((rng >> 33) % n);
}

#define CK(x)                                                                  \
    do {                                                                       \
        int rc_ = (x);                                                         \
        if (rc_) {                                                             \
            fprintf(stderr, "lmdb: %s: %s\n", #x, mdb_strerror(rc_));          \
            return -1;                                                         \
        }                                                                      \
    } while (0)

static int put(MDB_txn *t, MDB_dbi dbi, uint32_t i, uint32_t ver, uint32_t vlen)
{
    char k[17], v[4096];
    kvb_key(i, k);
    kvb_val(i, ver, v, vlen);
    MDB_val mk = {16, k}, mv = {vlen, v};
    return mdb_put(t, dbi, &mk, &mv, 0);
}

static int load(MDB_env *env, MDB_dbi dbi, uint32_t n, uint32_t vlen,
                kvb_result_t *r)
{
    uint64_t t0 = now_ns(), w0 = kvb_wchar();
    for (uint32_t i = 0; i < n; i += 1000) {
        MDB_txn *t;
        CK(mdb_txn_begin(env, NULL, 0, &t));
        for (uint32_t j = i; j < n && j < i + 1000; j++)
            CK(put(t, dbi, j, 0, vlen));
        CK(mdb_txn_commit(t));
    }
    double s = (now_ns() - t0) / 1e9;
    r->ops_per_s = n / s;
    r->write_amp = (double)(kvb_wchar() - w0) / ((double)n * (16 + vlen));
    return 0;
}

static int reads(MDB_env *env, MDB_dbi dbi, uint32_t n, uint32_t count,
                 uint64_t *lat, kvb_result_t *r)
{
    MDB_txn *t;
    CK(mdb_txn_begin(env, NULL, MDB_RDONLY, &t));
    mdb_txn_reset(t);
    uint64_t t0 = now_ns(), c0 = kvb_cpu_ns();
    for (uint32_t o = 0; o < count; o++) {
        char k[17];
        kvb_key(rnd(n), k);
        MDB_val mk = {16, k}, mv;
        uint64_t a = now_ns();
        CK(mdb_txn_renew(t)); /* one snapshot per read, like the mote get */
        CK(mdb_get(t, dbi, &mk, &mv));
        mdb_txn_reset(t);
        lat[o] = now_ns() - a;
    }
    double cpu = (kvb_cpu_ns() - c0) / 1e9;
    kvb_stats(lat, count, (now_ns() - t0) / 1e9, r);
    r->cpu_ops_per_s = count / cpu;
    mdb_txn_abort(t);
    return 0;
}

static int writes(MDB_env *env, MDB_dbi dbi, uint32_t n, uint32_t commits,
                  uint32_t per, uint32_t vlen, uint64_t *lat, kvb_result_t *r)
{
    uint64_t t0 = now_ns(), w0 = kvb_wchar();
    for (uint32_t c = 0; c < commits; c++) {
        uint64_t a = now_ns();
        MDB_txn *t;
        CK(mdb_txn_begin(env, NULL, 0, &t));
        for (uint32_t j = 0; j < per; j++)
            CK(put(t, dbi, rnd(n), c + 1, vlen));
        CK(mdb_txn_commit(t));
        lat[c] = now_ns() - a;
    }
    double s = (now_ns() - t0) / 1e9;
    kvb_stats(lat, commits, s, r);
    r->ops_per_s = (double)commits * per / s;
    r->write_amp =
        (double)(kvb_wchar() - w0) / ((double)commits * per * (16 + vlen));
    return 0;
}

static int scan(MDB_env *env, MDB_dbi dbi, uint32_t n, kvb_result_t *r)
{
    MDB_txn *t;
    MDB_cursor *c;
    MDB_val k, v;
    uint32_t got = 0;
    uint64_t t0 = now_ns(), sum = 0;
    CK(mdb_txn_begin(env, NULL, MDB_RDONLY, &t));
    CK(mdb_cursor_open(t, dbi, &c));
    while (mdb_cursor_get(c, &k, &v, got ? MDB_NEXT : MDB_FIRST) == 0) {
        sum += ((const char *)v.mv_data)[0] + k.mv_size;
        got++;
    }
    mdb_cursor_close(c);
    mdb_txn_abort(t);
    r->ops_per_s = got / ((now_ns() - t0) / 1e9);
    return got == n && sum ? 0 : -1;
}

static struct {
    MDB_env *env;
    MDB_dbi dbi;
    char path[512];
    uint64_t *lat;
} L;

int kvb_lmdb_open(const char *path, uint64_t seed, uint32_t maxlat)
{
    MDB_txn *t;
    snprintf(L.path, sizeof L.path, "%s", path);
    unlink(path);
    CK(mdb_env_create(&L.env));
    CK(mdb_env_set_mapsize(L.env, (size_t)4 << 30));
    CK(mdb_env_open(L.env, path, MDB_NOSUBDIR, 0644));
    CK(mdb_txn_begin(L.env, NULL, 0, &t));
    CK(mdb_dbi_open(t, NULL, 0, &L.dbi));
    CK(mdb_txn_commit(t));
    rng = seed;
    L.lat = malloc(sizeof *L.lat * maxlat);
    return L.lat ? 0 : -1;
}

int kvb_lmdb_phase(int phase, uint32_t n, uint32_t count, uint32_t per,
                   uint32_t vlen, kvb_result_t *r)
{
    switch (phase) {
    case KVB_LOAD: return load(L.env, L.dbi, n, vlen, r);
    case KVB_READ: return reads(L.env, L.dbi, n, count, L.lat, r);
    case KVB_WRITE: return writes(L.env, L.dbi, n, count, per, vlen, L.lat, r);
    default: return scan(L.env, L.dbi, n, r);
    }
}

void kvb_lmdb_close(void)
{
    char lock[600];
    mdb_env_close(L.env);
    free(L.lat);
    unlink(L.path);
    snprintf(lock, sizeof lock, "%s-lock", L.path);
    unlink(lock);
}

void kvb_print(const char *what, const kvb_result_t *o, const kvb_result_t *l)
{
    printf("| %s | %.0f | %.0f | %.2f | %.1f | %.1f | %.2f | %.2f |\n", what,
           o->ops_per_s, l->ops_per_s,
           l->ops_per_s > 0 ? o->ops_per_s / l->ops_per_s : 0, o->p99_us,
           l->p99_us, o->write_amp, l->write_amp);
    if (o->cpu_ops_per_s > 0 && l->cpu_ops_per_s > 0)
        printf("| %s, per CPU second | %.0f | %.0f | %.2f | | | | |\n", what,
               o->cpu_ops_per_s, l->cpu_ops_per_s,
               o->cpu_ops_per_s / l->cpu_ops_per_s);
    fflush(stdout);
}
