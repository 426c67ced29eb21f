/* CRC32C (Castagnoli), the checksum on every KV page. Own code: the
 * x86-64 crc32 instruction when running as a Linux process on a CPU that
 * has it (kv_crc.c says why not in a guest), else table driven, slicing
 * by 8, tables built on first use. */
#ifndef MOTE_KV_CRC_H
#define MOTE_KV_CRC_H

#include <stddef.h>
#include <stdint.h>

/* CRC32C of (n) bytes at (p), continuing from (crc) (0 to start). */
uint32_t kv_crc32c(uint32_t crc, const void *p, size_t n);

/* The same with the tables only (tests compare both). */
uint32_t kv_crc32c_sw(uint32_t crc, const void *p, size_t n);

#endif
