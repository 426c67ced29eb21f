/* Boot arguments: "key=value key=value". */
#include "kernel/kargs.h"
#include "lib/kstring.h"
#include "mote/kapp.h"
#include "mote/printk.h"

static char line[KARGS_MAX_LEN];
static const char *keys[KARGS_MAX], *vals[KARGS_MAX];
static int nargs;

void kargs_parse(const char *cmdline)
{
    size_t n = strlen(cmdline);
    if (n >= sizeof line) {
        printk(KLOG_WARN, "boot arguments cut to %zu bytes", sizeof line - 1);
        n = sizeof line - 1;
    }
    memcpy(line, cmdline, n);
    line[n] = 0;
    nargs = 0;
    for (char *p = line; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            *p++ = 0;
        if (!*p)
            break;
        if (nargs == KARGS_MAX) {
            printk(KLOG_WARN, "more than %d boot arguments; rest ignored", KARGS_MAX);
            break;
        }
        keys[nargs] = p;
        vals[nargs] = "";
        while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
            if (*p == '=' && !*vals[nargs]) {
                *p = 0;
                vals[nargs] = p + 1;
            }
            p++;
        }
        nargs++;
    }
}

const char *kargs_get(const char *key)
{
    for (int i = nargs - 1; i >= 0; i--) /* the last one given wins */
        if (strcmp(keys[i], key) == 0)
            return vals[i];
    return NULL;
}

unsigned long kargs_get_ulong(const char *key, unsigned long fallback)
{
    const char *v = kargs_get(key);
    if (!v || !*v)
        return fallback;
    unsigned long n = 0;
    for (; *v; v++) {
        if (*v < '0' || *v > '9')
            return fallback;
        n = n * 10 + (unsigned long)(*v - '0');
    }
    return n;
}
