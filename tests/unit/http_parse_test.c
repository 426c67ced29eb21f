/* apps/httpd/http_parse.c with chosen inputs: heads found wherever the
 * bytes are cut, fields and framing decided as RFC 9112 says, chunked
 * bodies decoded in place across any split, and the URL helpers. */
#include <string.h>

#include "apps/httpd/http_parse.h"
#include "tests/unit/test.h"

static char buf[8192];

/* The head end of (s), fed one byte at a time. */
static uint32_t end_bytewise(const char *s)
{
    uint32_t n = (uint32_t)strlen(s), scan = 0, end = 0;
    memcpy(buf, s, n);
    for (uint32_t i = 1; i <= n && !end; i++)
        end = http_head_end(buf, i, &scan);
    return end;
}

static int parse(const char *s, http_req_t *r)
{
    uint32_t n = (uint32_t)strlen(s), scan = 0;
    memcpy(buf, s, n);
    uint32_t end = http_head_end(buf, n, &scan);
    return end ? http_parse_head(buf, end, r) : -1;
}

TEST(head_end_any_split)
{
    const char *a = "GET / HTTP/1.1\r\nHost: x\r\n\r\nrest";
    CHECK_EQ(end_bytewise(a), strlen(a) - 4);
    CHECK_EQ(end_bytewise("GET / HTTP/1.1\nHost: x\n\nrest"), 24);
    CHECK_EQ(end_bytewise("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"), 31);
    CHECK_EQ(end_bytewise("\r\n\r\n\r\n"),
             0); /* blank lines alone are no head */
    CHECK_EQ(end_bytewise("GET / HTTP/1.1\r\nHost: x\r\n"), 0);
}

TEST(request_fields)
{
    http_req_t r;
    CHECK_EQ(
        parse("PUT /kv/a?start=b HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n"
              "Expect: 100-continue\r\n\r\n",
              &r),
        0);
    CHECK_EQ(r.method, HTTP_M_PUT);
    CHECK(r.path_len == 5 && !memcmp(r.path, "/kv/a", 5));
    CHECK(r.query_len == 7 && !memcmp(r.query, "start=b", 7));
    CHECK(r.has_length && r.content_length == 12 && r.keep_alive &&
          r.expect_continue);
    CHECK_EQ(parse("GET / HTTP/1.0\r\n\r\n", &r), 0);
    CHECK(!r.keep_alive && r.minor == 0);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r), 0);
    CHECK(r.keep_alive);
    CHECK_EQ(
        parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n",
              &r),
        0);
    CHECK(!r.keep_alive);
    CHECK_EQ(
        parse("PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n",
              &r),
        0);
    CHECK(r.chunked);
    CHECK_EQ(parse("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: "
                   "5\r\nContent-Length: 5\r\n\r\n",
                   &r),
             0); /* repeated but equal: allowed */
}

TEST(request_refusals)
{
    http_req_t r;
    CHECK_EQ(parse("GET / HTTP/1.1\r\n\r\n", &r), 400); /* no Host */
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", &r),
             400); /* not origin-form */
    CHECK_EQ(parse("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1 \r\nHost: x\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/2.0\r\nHost: x\r\n\r\n", &r), 505);
    CHECK_EQ(parse("GET / HTTX/1.1\r\nHost: x\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost : x\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: x\x01y\r\n\r\n", &r), 400);
    CHECK_EQ(
        parse("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", &r),
        400);
    CHECK_EQ(parse("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: "
                   "99999999999999999\r\n\r\n",
                   &r),
             400);
    CHECK_EQ(parse("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: "
                   "1\r\nContent-Length: 2\r\n\r\n",
                   &r),
             400);
    CHECK_EQ(parse("PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                   "Content-Length: 2\r\n\r\n",
                   &r),
             400);
    CHECK_EQ(parse("PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, "
                   "gzip\r\n\r\n",
                   &r),
             400);
    CHECK_EQ(parse("PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, "
                   "chunked\r\n\r\n",
                   &r),
             501);
    char many[4096] = "GET / HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < HTTP_MAX_HEADERS; i++)
        strcat(many, "X: 1\r\n");
    strcat(many, "\r\n");
    CHECK_EQ(parse(many, &r), 431);
}

/* Decode (body) whole and split at every position; both must agree. */
static int decode_all_splits(const char *body, const char *want)
{
    uint32_t n = (uint32_t)strlen(body);
    int ok = 1;
    for (uint32_t cut = 0; cut <= n; cut++) {
        http_chunked_t c = {0};
        uint32_t in = 0, out = 0;
        memcpy(buf, body, n);
        int r = http_chunked_decode(&c, buf, cut, &in, &out);
        if (r == HTTP_CHUNK_MORE)
            r = http_chunked_decode(&c, buf, n, &in, &out);
        if (want) {
            ok &= r == HTTP_CHUNK_DONE && out == strlen(want) &&
                  !memcmp(buf, want, out);
            ok &= in <= n && !strcmp(body + in, "NEXT");
        } else {
            ok &= r == 400;
        }
    }
    return ok;
}

TEST(chunked_in_place)
{
    CHECK(decode_all_splits(
        "4;a=b\r\nWiki\r\n5\r\npedia\r\n0\r\nT: 1\r\n\r\nNEXT", "Wikipedia"));
    CHECK(decode_all_splits("A\nabcdefghij\n0\n\nNEXT", "abcdefghij"));
    CHECK(decode_all_splits("0\r\n\r\nNEXT", ""));
    CHECK(decode_all_splits("zz\r\nab\r\n0\r\n\r\n", NULL));
    CHECK(decode_all_splits("5g\r\nabcde\r\n0\r\n\r\n", NULL));
    CHECK(decode_all_splits("3\r\nabcX\r\n0\r\n\r\n", NULL));
    CHECK(decode_all_splits("1000000000000000\r\n", NULL)); /* 16 hex digits */
}

TEST(url_helpers)
{
    char out[16];
    CHECK_EQ(http_pct_decode("a%2Fb+c", 7, out, sizeof out, 0), 5);
    CHECK(!memcmp(out, "a/b+c", 5));
    CHECK_EQ(http_pct_decode("a+b", 3, out, sizeof out, 1), 3);
    CHECK(!memcmp(out, "a b", 3));
    CHECK_EQ(http_pct_decode("%4", 2, out, sizeof out, 0), -1);
    CHECK_EQ(http_pct_decode("%zz", 3, out, sizeof out, 0), -1);
    CHECK_EQ(http_pct_decode("0123456789abcdefg", 17, out, sizeof out, 0), -1);
    uint32_t vn;
    const char *q = "start=ab&count=3&x";
    const char *v = http_query_get(q, (uint32_t)strlen(q), "count", &vn);
    CHECK(v && vn == 1 && *v == '3');
    v = http_query_get(q, (uint32_t)strlen(q), "x", &vn);
    CHECK(v && vn == 0);
    CHECK(!http_query_get(q, (uint32_t)strlen(q), "star", &vn));
    CHECK(!http_query_get(NULL, 0, "start", &vn));
}
