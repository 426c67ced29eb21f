/* The sandbox host: boots the manifest and modules the build embedded
 * (tools/embed.py, from APP=path.wasm or APP=path.manifest). Everything
 * else happens in sandbox/. */
#include "mote/kapp.h"
#include "sandbox/sbx.h"

extern const char sbx_manifest_text[];
extern const sbx_blob_t sbx_blobs[];
extern const uint32_t sbx_nblobs;

void app_main(void)
{
    if (sbx_boot(sbx_manifest_text, sbx_blobs, sbx_nblobs) != KERR_OK)
        kshutdown(1);
}
