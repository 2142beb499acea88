/* ISC license. */
/* Incremental check of a qmail-queue envelope: F<sender>\0 (T<rcpt>\0)* \0.
   Trust: the bytes come from any local caller of berth-queue; nothing is assumed. */
#ifndef BERTH_ENVELOPE_H
#define BERTH_ENVELOPE_H

#include <stddef.h>
#include <sys/types.h>

typedef struct envscan_s envscan, *envscan_ref ;
struct envscan_s
{
  unsigned int state ;
  size_t addrlen ;
  size_t nrcpt ;
} ;
#define ENVSCAN_ZERO { .state = 0, .addrlen = 0, .nrcpt = 0 }

/* Feed len bytes. Returns the number of bytes that belong to the envelope.
   *done is set to 1 when the final NUL has been consumed (the return value then stops there).
   On a format error returns -1 and sets *code (QQ_ENVELOPE or QQ_ADDR_TOO_LONG). */
extern ssize_t envscan_feed (envscan *e, char const *s, size_t len, int *done, int *code) ;

#endif
