/* mote: boot arguments (kernel-internal half; the public half is kapp.h).
 * The command line is copied once into a fixed buffer and split into
 * "key=value" words; a word without '=' is a key with an empty value. */
#ifndef MOTE_KARGS_H
#define MOTE_KARGS_H

#define KARGS_MAX_LEN 1024 /* longer command lines are cut, with a warning */
#define KARGS_MAX 32       /* words */

void kargs_parse(const char *cmdline);

#endif
