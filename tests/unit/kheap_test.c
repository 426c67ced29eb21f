/* The deadline heap against a sorted-array model: thousands of random
 * inserts, removals of arbitrary nodes and minimum extractions. */
#include <stdlib.h>
#include <string.h>

#include "kernel/kheap.h"
#include "kernel/kloop.h"
#include "mote/ktime.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

#define N 4096

static kwork_t items[N];
static bool in_heap[N];

/* The model: the minimum deadline among items marked in_heap. */
static uint64_t model_min(void)
{
    uint64_t m = UINT64_MAX;
    for (int i = 0; i < N; i++)
        if (in_heap[i] && items[i].deadline < m)
            m = items[i].deadline;
    return m;
}

TEST(heap_matches_model)
{
    kheap_t h = {0};
    memset(in_heap, 0, sizeof in_heap);
    int count = 0;
    for (int step = 0; step < 60000; step++) {
        int i = (int)(test_rand() % N);
        uint64_t r = test_rand() % 100;
        if (!in_heap[i] && r < 55) {
            items[i].deadline = 1 + test_rand() % 1000; /* many ties */
            kheap_insert(&h, &items[i]);
            in_heap[i] = true;
            count++;
        } else if (in_heap[i] && r < 80) {
            kheap_remove(&h, &items[i]);
            in_heap[i] = false;
            count--;
        } else if (h.root) {
            kwork_t *m = kheap_min(&h);
            CHECK_EQ(m->deadline, model_min());
            int mi = (int)(m - items);
            kheap_remove(&h, m);
            in_heap[mi] = false;
            count--;
        }
        CHECK_EQ(h.count, count);
        if (step % 97 == 0)
            CHECK_EQ(h.root ? h.root->deadline : UINT64_MAX, model_min());
        if (test_failed)
            return;
    }
    /* Drain: strictly non-decreasing order, every item exactly once. */
    uint64_t last = 0;
    while (h.root) {
        kwork_t *m = kheap_min(&h);
        CHECK(m->deadline >= last);
        last = m->deadline;
        CHECK(in_heap[m - items]);
        in_heap[m - items] = false;
        kheap_remove(&h, m);
    }
    CHECK_EQ(model_min(), UINT64_MAX);
}

/* Thousands of live timers through the public API: random starts and
 * cancels; every timer fires exactly once, in deadline order, on time. */
static uint64_t due[N];
static int fired[N];
static uint64_t last_fire;
static int out_of_order;

static void on_fire(kwork_t *w)
{
    int i = (int)(intptr_t)w->ctx;
    fired[i]++;
    if (w->result == KERR_OK) {
        if (fake_now < due[i] || fake_now < last_fire)
            out_of_order++;
        last_fire = fake_now;
    }
}

TEST(thousands_of_timers)
{
    static ktimer_t t[N];
    memset(fired, 0, sizeof fired);
    last_fire = 0;
    out_of_order = 0;
    int cancelled = 0;
    for (int i = 0; i < N; i++) {
        ktimer_init(&t[i], on_fire, (void *)(intptr_t)i);
        uint64_t d = 1 + test_rand() % (5 * KTIME_S);
        due[i] = fake_now + d;
        CHECK_EQ(ktimer_start(&t[i], d), KERR_OK);
    }
    CHECK_EQ(kloop.deadlines.count, N);
    for (int i = 0; i < N; i += 3) {
        if (kcancel(&t[i].work) == KERR_OK)
            cancelled++;
    }
    fake_run(6 * KTIME_S);
    for (int i = 0; i < N; i++)
        CHECK_EQ(fired[i], 1);
    CHECK_EQ(out_of_order, 0);
    CHECK_EQ(kloop.live, 0);
    CHECK_EQ(cancelled, (N + 2) / 3);
}
