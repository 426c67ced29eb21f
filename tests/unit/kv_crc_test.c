/* CRC32C, the checksum of every KV page: RFC 3720 (iSCSI) test vectors,
 * and the x86-64 crc32 instruction path agreeing with the table path on
 * every length and alignment (on other CPUs both are the tables). */
#include <string.h>

#include "store/kv_crc.h"
#include "tests/unit/test.h"

TEST(kv_crc32c_vectors)
{
    uint8_t b[48];
    memset(b, 0, 32);
    CHECK_EQ(kv_crc32c(0, b, 32), 0x8A9136AAu);
    CHECK_EQ(kv_crc32c_sw(0, b, 32), 0x8A9136AAu);
    memset(b, 0xff, 32);
    CHECK_EQ(kv_crc32c(0, b, 32), 0x62A8AB43u);
    for (int i = 0; i < 32; i++)
        b[i] = (uint8_t)i;
    CHECK_EQ(kv_crc32c(0, b, 32), 0x46DD794Eu);
    for (int i = 0; i < 32; i++)
        b[i] = (uint8_t)(31 - i);
    CHECK_EQ(kv_crc32c(0, b, 32), 0x113FDB5Cu);
    CHECK_EQ(kv_crc32c(0, "123456789", 9), 0xE3069283u);
    /* Continuing from a partial CRC is the same as one pass. */
    CHECK_EQ(kv_crc32c(kv_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
}

TEST(kv_crc32c_fast_path_matches_tables)
{
    static uint8_t buf[4096 + 16];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)test_rand();
    for (int t = 0; t < 2000; t++) {
        size_t off = test_rand() % 16, n = test_rand() % 4097;
        uint32_t seed = t & 1 ? (uint32_t)test_rand() : 0;
        if (kv_crc32c(seed, buf + off, n) != kv_crc32c_sw(seed, buf + off, n)) {
            CHECK_EQ(kv_crc32c(seed, buf + off, n),
                     kv_crc32c_sw(seed, buf + off, n));
            return;
        }
    }
    CHECK(1);
}
