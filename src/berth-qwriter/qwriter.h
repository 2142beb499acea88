/* ISC license. */
/* berth-qwriter's files: the accept loop (berth-qwriter.c) and one connection (serve.c). */
#ifndef QWRITER_H
#define QWRITER_H

#include <sys/types.h>

/* Serves the messages of one connection from a peer of uid uid (SO_PEERCRED), then exits:
   0 at the peer's end and after a message not committed (the peer reconnects for the next).
   Never returns. */
extern void qw_serve (int sock, uid_t uid) gccattr_noreturn ;

#endif
