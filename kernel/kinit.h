/* mote: start-up hooks for layers.
 *
 * A layer that must start before the application (the IP stack, the KV
 * store's service) declares KINIT(fn); kmain runs every hook after
 * platform_init() and before app_main(), in link order (kernel, crypto,
 * net, store). A hook runs in tick context and may submit requests. The
 * hooks live in the "kinit" section, so linking the layer is what enables
 * it: no list to keep in sync.
 */
#ifndef MOTE_KINIT_H
#define MOTE_KINIT_H

typedef void (*kinit_fn)(void);

#define KINIT(fn) \
    static kinit_fn const kinit_##fn __attribute__((used, section("kinit"))) = fn

/* Run all hooks (kmain only). */
void kinit_run(void);

#endif
