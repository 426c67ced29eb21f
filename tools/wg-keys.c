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
#include "net/wg_base64.h"

static void put_key(const uint8_t k[WG_KEY_LEN])
{
    char out[45];
    wg_base64_key_encode(k, out);
    puts(out);
}

static int get_key(uint8_t k[WG_KEY_LEN])
{
    char line[128];
    if (!fgets(line, sizeof line, stdin))
        return -1;
    return wg_base64_key_decode(line, strcspn(line, "\r\n"), k);
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
