/* httpd: the HTTP/1.1 request parser (RFC 9112), pure and allocation-free.
 *
 * Everything here works on bytes the caller owns and never reads outside
 * (buf, len). Results are either a count or an HTTP status code the caller
 * should answer with (400, 431, 501, 505), so a bad request never needs more
 * than one branch at the call site.
 *
 * The head is found incrementally: http_head_end() resumes its scan where
 * the last call stopped, so feeding a request one byte at a time costs
 * O(n), not O(n^2). Once the end is known, http_parse_head() checks and
 * splits the whole head at once; the request's strings point into the
 * caller's buffer. Chunked bodies are decoded in place, across any number
 * of calls, by http_chunked_decode().
 */
#ifndef APPS_HTTPD_HTTP_PARSE_H
#define APPS_HTTPD_HTTP_PARSE_H

#include <stdint.h>

#define HTTP_MAX_HEADERS   64   /* more fields -> 431 */
#define HTTP_MAX_CHUNK_EXT 256  /* bytes of chunk extensions per chunk */
#define HTTP_MAX_TRAILER   4096 /* bytes of trailer fields */

enum {
    HTTP_M_OTHER = 0,
    HTTP_M_GET,
    HTTP_M_HEAD,
    HTTP_M_PUT,
    HTTP_M_POST,
    HTTP_M_DELETE
};

typedef struct http_req {
    int method;         /* HTTP_M_* */
    const char *target; /* request-target, origin-form ("/a?b") */
    uint32_t target_len;
    const char *path; /* target up to '?' */
    uint32_t path_len;
    const char *query; /* after '?', or NULL */
    uint32_t query_len;
    int minor;      /* HTTP/1.(minor): 0 or 1 */
    int keep_alive; /* by version and Connection */
    int chunked;    /* Transfer-Encoding: chunked */
    int has_length; /* Content-Length given */
    uint64_t content_length;
    int expect_continue; /* Expect: 100-continue */
    uint32_t nheaders;
} http_req_t;

/* Find the end of the head in (buf, len): the length of the head including
 * its empty line, 0 if it is not complete yet. (*scan) is where the search
 * resumes (start at 0; the caller keeps it between calls on the same
 * buffer). Leading empty lines (RFC 9112 2.2) are part of the head. */
uint32_t http_head_end(const char *buf, uint32_t len, uint32_t *scan);

/* Parse the complete head (buf, len) (from http_head_end) into (r):
 * 0 if it is a well-formed request, else the status to answer:
 * 400 (syntax, missing or repeated Host in 1.1, conflicting lengths,
 * Content-Length with chunked), 431 (over HTTP_MAX_HEADERS fields),
 * 501 (a transfer coding other than chunked), 505 (not HTTP/1.x). */
int http_parse_head(const char *buf, uint32_t len, http_req_t *r);

typedef struct http_chunked {
    uint8_t state;
    uint8_t digits;
    uint16_t ext;
    uint32_t trailer;
    uint64_t left; /* data bytes left in this chunk */
} http_chunked_t;

enum { HTTP_CHUNK_MORE = 0, HTTP_CHUNK_DONE = 1 };

/* Decode chunked data in place: consume buf[*in .. len), moving data bytes
 * down to buf[*out ..] (so *out <= *in always) and advancing both. Start
 * with a zeroed (c) and *out == *in. HTTP_CHUNK_DONE once the last chunk
 * and trailer are read (*in is then just past the body), HTTP_CHUNK_MORE
 * when (buf) ran out, 400 on malformed input. */
int http_chunked_decode(http_chunked_t *c, char *buf, uint32_t len,
                        uint32_t *in, uint32_t *out);

/* Percent-decode (s, n) into (out, cap) ('+' is a space if (plus)):
 * the decoded length, or -1 for a bad escape or no room. */
int http_pct_decode(const char *s, uint32_t n, char *out, uint32_t cap,
                    int plus);

/* The raw value of parameter (name) in query (q, qn): a pointer into q
 * and its length in (*vn), or NULL if absent. */
const char *http_query_get(const char *q, uint32_t qn, const char *name,
                           uint32_t *vn);

#endif
