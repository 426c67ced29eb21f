/* tcpecho: entry; server or client by boot argument (tcpecho.h). */
#include "apps/tcpecho/tcpecho.h"
#include "mote/mote.h"

void app_main(void)
{
    const char *target = kargs_get("connect");
    if (target)
        tcpecho_client(target);
    else
        tcpecho_server();
}
