/* tcpecho: the TCP test application (docs/tcp.md).
 *
 * Server (default): echoes every byte back on TCP port 8080 (boot
 * argument port=), TCPECHO_CONNS connections at a time; when a client
 * shuts its side down, the echo finishes and the connection is closed.
 *
 * Client (connect=IP:PORT bytes=N): connects to an echo server, sends N
 * bytes of tcpecho_pattern() while reading the echo, checks every byte
 * that comes back, then shuts down and prints one line:
 *   "tcpecho: client sent N received N ok" (or "... FAILED: why")
 * and ends (exit code 0 when ok). The interop tests and benches use both.
 */
#ifndef APPS_TCPECHO_H
#define APPS_TCPECHO_H

#include <stdint.h>

#define TCPECHO_PORT 8080
#define TCPECHO_CONNS 16
#define TCPECHO_BUF 16384

/* Byte (i) of the client's stream: (i * 2654435761 mod 2^32) >> 24. */
static inline uint8_t tcpecho_pattern(uint64_t i)
{
    return (uint8_t)(((uint32_t)i * 2654435761u) >> 24);
}

void tcpecho_server(void);
void tcpecho_client(const char *target);

#endif
