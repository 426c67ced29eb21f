/* mote unit tests: the fake platform.
 *
 * Implements kernel/platform.h deterministically for host tests:
 *   - a virtual clock that moves only when the test or the loop says so
 *     (waiting jumps straight to the next deadline: no real sleeping);
 *   - scripted devices: a generic one that holds requests until the test
 *     completes them, an RNG, a RAM block device with a power-loss model,
 *     and a frame device that records what is sent and injects what is
 *     received.
 * Device completions travel through platform_poll(), as from real hardware.
 * All randomness comes from test_rand(), i.e. from the printed seed.
 */
#ifndef MOTE_FAKE_PLATFORM_H
#define MOTE_FAKE_PLATFORM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel/kservice.h"
#include "mote/kblk.h"
#include "mote/knet.h"

extern uint64_t fake_now; /* ns; starts at 1 ms after fake_boot */
/* The wall clock's Unix ns at fake_now == 0, what platform_wallclock_ns
 * reports (plus fake_now); 0 (fake_boot's choice): no wall clock. */
extern uint64_t fake_wall_ns;

/* Fresh kernel: loop and devices reset, timer and RNG services up, CSPRNG
 * seeded from the test seed, boot arguments (cmdline) (NULL for none).
 * test_main calls it before every test. */
void fake_boot(const char *cmdline);

/* Like fake_boot, but the block device keeps its contents (as after a
 * power cycle: call fake_blk_crash first to lose unflushed writes). */
void fake_reboot(const char *cmdline);

/* Run the KINIT hooks of the linked layers (after attaching devices). */
void fake_start_layers(void);

/* Turn the loop for up to (ns) of virtual time: callbacks run, devices
 * complete, the clock jumps from deadline to deadline. Returns early if
 * kshutdown() is called. */
void fake_run(uint64_t ns);

/* Turn the loop until nothing is queued, without moving the clock past
 * the current time (devices still complete). */
void fake_settle(void);

/* Console output so far (NUL-terminated, last 64 KiB); cleared by boot. */
const char *fake_console(void);

/* --- A scripted device: holds requests until the test completes them. */
typedef struct fake_dev {
    kservice_t svc;
    unsigned cls;
    kwork_t *held[256];
    int nheld;
    bool retractable;  /* cancel() lets go (true) or keeps it (false) */
    kerr_t refuse;     /* submit refuses with this when nonzero */
    int submits, cancels;
} fake_dev_t;

void fake_dev_attach(fake_dev_t *d, unsigned cls);
/* The device finishes (w) with (res): delivered at the next poll. */
void fake_dev_complete(fake_dev_t *d, kwork_t *w, kerr_t res);
bool fake_dev_holds(const fake_dev_t *d, const kwork_t *w);

/* --- RAM block device 0 with a power-loss model.
 * Writes complete a few polls after submission, in a seeded random order.
 * A completed write is visible to reads at once but durable only after a
 * flush *submitted after it completed* has itself completed. */
void fake_blk_attach(uint64_t sectors, uint32_t sector_size, bool read_only);
uint8_t *fake_blk_image(void);   /* what reads see now */
uint64_t fake_blk_ops(void);     /* writes + flushes submitted so far */
uint64_t fake_blk_bytes_written(void);
/* Power off after (n) more writes/flushes are submitted: that op and all
 * later ones never complete (the test then crashes and reboots). 0 = never. */
void fake_blk_power_off_after(uint64_t n);
bool fake_blk_powered_off(void);
/* Lose power now: every write that is not durable, completed or still in
 * flight, survives or vanishes independently per sector (seeded), which
 * covers dropped, reordered and torn writes at sector granularity. */
void fake_blk_crash(void);

/* --- Frame device 0. */
void fake_net_attach(const uint8_t mac[6]);
/* Deliver a received frame: to the oldest armed receive, or a backlog of
 * up to 64 frames (then dropped and counted in knet_info.rx_dropped). */
void fake_net_inject(const void *frame, uint32_t len);
int fake_net_sent_count(void);
/* The (i)th sent frame (0 = oldest kept; up to 256 kept). */
const uint8_t *fake_net_sent(int i, uint32_t *len);
void fake_net_clear_sent(void);

/* --- Panics: FAKE_PANICS(stmt) is true if (stmt) called kpanic. */
extern jmp_buf *fake_panic_jmp;
#define FAKE_PANICS(stmt)                                \
    ({                                                   \
        jmp_buf jb_, *old_ = fake_panic_jmp;             \
        int hit_ = 0;                                    \
        fake_panic_jmp = &jb_;                           \
        if (setjmp(jb_) == 0) {                          \
            stmt;                                        \
        } else {                                         \
            hit_ = 1;                                    \
        }                                                \
        fake_panic_jmp = old_;                           \
        hit_;                                            \
    })

#endif
