/* tests/sandbox: a plain wasi-libc program that mallocs and touches
 * argv[1] MiB (issue 14: a .wasm app given alone must get a generous
 * memory limit, not 16 MiB). Prints a checksum the test recomputes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 32;
    size_t n = mib << 20;
    uint8_t *buf = malloc(n);
    if (!buf) {
        printf("bigalloc: malloc(%zu MiB) failed\n", mib);
        return 1;
    }
    memset(buf, 0x5a, n); /* touch every byte */
    for (size_t i = 0; i < n; i += 4096) /* then one word per page */
        *(uint32_t *)(buf + i) = (uint32_t)(i * 2654435761u);
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i += 512)
        sum = sum * 31 + *(uint32_t *)(buf + i) + buf[i + 511];
    printf("bigalloc: %zu MiB ok, checksum %08x\n", mib, (unsigned)sum);
    free(buf);
    return 0;
}
