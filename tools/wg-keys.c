/* wg-keys: a WireGuard key pair from mote's own X25519, printed as
 * `wg genkey` and `wg pubkey` print them (base64, one per line).
 *
 *   wg-keys            private key, then its public key
 *   wg-keys genkey     a private key
 *   wg-keys pubkey     the public key of the private key on stdin
 */
#include <stdio.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/x25519.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_key(const uint8_t k[32])
{
    char out[45];
    unsigned n = 0, acc = 0, bits = 0;
    for (int i = 0; i < 32; i++) {
        acc = (acc << 8 | k[i]) & 0xffff;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[n++] = b64[(acc >> bits) & 63];
        }
    }
    out[n++] = b64[(acc << (6 - bits)) & 63];
    out[n++] = '=';
    out[n] = 0;
    puts(out);
}

static int get_key(uint8_t k[32])
{
    char line[128];
    if (!fgets(line, sizeof line, stdin))
        return -1;
    size_t len = strcspn(line, "\r\n");
    if (len != 44 || line[43] != '=')
        return -1;
    unsigned acc = 0, bits = 0, n = 0;
    for (int i = 0; i < 43; i++) {
        const char *p = strchr(b64, line[i]);
        if (!p || !line[i])
            return -1;
        acc = (acc << 6 | (unsigned)(p - b64)) & 0xffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            k[n++] = (uint8_t)(acc >> bits);
        }
    }
    return (acc & ((1u << bits) - 1)) == 0 && n == 32 ? 0 : -1;
}

static int genkey(uint8_t k[32])
{
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(k, 1, 32, f) != 32) {
        fprintf(stderr, "wg-keys: cannot read /dev/urandom\n");
        return -1;
    }
    fclose(f);
    x25519_clamp(k);
    return 0;
}

int main(int argc, char **argv)
{
    uint8_t priv[32], pub[32];
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "pubkey") == 0) {
        if (get_key(priv) != 0) {
            fprintf(stderr, "wg-keys: a base64 private key expected on stdin\n");
            return 1;
        }
    } else if (strcmp(cmd, "genkey") == 0 || !*cmd) {
        if (genkey(priv) != 0)
            return 1;
        if (*cmd) {
            put_key(priv);
            crypto_wipe(priv, sizeof priv);
            return 0;
        }
        put_key(priv);
    } else {
        fprintf(stderr, "usage: wg-keys [genkey | pubkey]\n");
        return 2;
    }
    x25519_base(pub, priv);
    put_key(pub);
    crypto_wipe(priv, sizeof priv);
    return 0;
}
