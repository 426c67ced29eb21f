/* libFuzzer target for apps/httpd/http_parse.c, the HTTP request parser.
 * Each input is a byte stream from a client. It is fed to the parser the
 * way httpd feeds it: the head search resumes across pieces whose sizes
 * come from the input's first byte, and must find the same end as one
 * search over the whole; the head is parsed; a chunked body is decoded in
 * place in pieces and must equal a one-piece decode; the target's path and
 * query go through the URL helpers. ASan/UBSan catch any access outside
 * the input; the differential checks trap on any disagreement. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apps/httpd/http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXIN 65536

static char a[MAXIN], b[MAXIN];

static void urls(const http_req_t *r)
{
    char out[300];
    uint32_t vn;
    (void)http_pct_decode(r->path, r->path_len, out, sizeof out, 0);
    const char *v = http_query_get(r->query, r->query_len, "start", &vn);
    if (v && (v < r->query || v + vn > r->query + r->query_len))
        __builtin_trap();
    if (v)
        (void)http_pct_decode(v, vn, out, sizeof out, 1);
    (void)http_query_get(r->query, r->query_len, "count", &vn);
}

/* Decode (a[off..len)) in one piece and, in b, in pieces of (step). */
static void chunked(uint32_t off, uint32_t len, uint32_t step)
{
    http_chunked_t c1 = {0}, c2 = {0};
    uint32_t i1 = off, o1 = off, i2 = off, o2 = off;
    int r1 = http_chunked_decode(&c1, a, len, &i1, &o1), r2 = HTTP_CHUNK_MORE;
    for (uint32_t end = off; end < len && r2 == HTTP_CHUNK_MORE;) {
        end = end + step > len ? len : end + step;
        r2 = http_chunked_decode(&c2, b, end, &i2, &o2);
    }
    if (o1 > i1 || o2 > i2 || i1 > len)
        __builtin_trap();
    if (r1 != r2 || (r1 != 400 && (i1 != i2 || o1 != o2 ||
                                   memcmp(a + off, b + off, o1 - off))))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAXIN)
        return 0;
    uint32_t step = data[0] % 17 + 1, len = (uint32_t)size - 1;
    memcpy(a, data + 1, len);
    memcpy(b, data + 1, len);
    uint32_t scan = 0, whole = http_head_end(a, len, &scan), end = 0;
    scan = 0;
    for (uint32_t n = 0; n < len && !end;) {
        n = n + step > len ? len : n + step;
        end = http_head_end(a, n, &scan);
    }
    if (end != whole || end > len)
        __builtin_trap();
    if (!end)
        return 0;
    http_req_t r;
    if (http_parse_head(a, end, &r) != 0)
        return 0;
    if (r.target < a || r.target + r.target_len > a + end)
        __builtin_trap();
    urls(&r);
    if (r.chunked)
        chunked(end, len, step);
    return 0;
}
