/* net: WireGuard keys as text: standard base64 of exactly 32 bytes, as
 * `wg genkey` and `wg pubkey` print them and wg(8) files hold them. */
#ifndef NET_WG_BASE64_H
#define NET_WG_BASE64_H

#include <stddef.h>
#include <stdint.h>

#define WG_KEY_LEN 32

/* Decode (len) characters of (s): 44 of them, one '=' pad. 0, or -1 for
 * anything else (including a non-canonical last character). */
int wg_base64_key_decode(const char *s, size_t len, uint8_t out[WG_KEY_LEN]);

/* The reverse: 44 characters and a NUL into (out). */
void wg_base64_key_encode(const uint8_t key[WG_KEY_LEN], char out[45]);

#endif
