/* ISC license. */
/* What berth-qmqpd and berth-qmtpd share: one session on fd 0/1 under tcpserver, the instance's
   control files read as berth-smtpd reads them (me, databytes and $DATABYTES, timeoutsmtpd per
   read or write, timeoutsmtpdsession for the whole session), and answers written as netstrings
   (libberth/nsrv_*.c). Trust: tcpserver's environment and the control files are trusted; the
   peer is not (its input is read through berth/nsin.h, bounded by the deadlines here). */
#ifndef BERTH_NSRV_H
#define BERTH_NSRV_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/bufalloc.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>

#define NSRV_TIMEOUT_DEFAULT 1200    /* seconds per read or write, berth-smtpd's */
#define NSRV_SESSION_DEFAULT 3600    /* seconds for a session, berth-smtpd's */
#define NSRV_CHUNK 16384             /* a message is streamed through this much memory */

typedef struct nsrv_s nsrv ;
struct nsrv_s
{
  buffer in ;
  bufalloc out ;     /* answers wait here until flushed */
  tain timeout ;
  tain sessionend ;
  stralloc me ;
  uint64_t databytes ;      /* 0: no limit */
  char const *remoteip ;
  char inbuf[NSRV_CHUNK] ;
} ;

/* Refuses root, ignores SIGPIPE, makes fd 0 non-blocking, goes to the instance home and reads
   the control files. 1; or 0 with errno set and *what naming what failed (then the caller
   answers a temporary failure). */
extern int nsrv_init (nsrv *s, char const **what) ;

/* The deadline for the next read or write: timeoutsmtpd from now, never past the session's. */
extern void nsrv_deadline (nsrv const *s, tain *d) ;

/* Writes text as one netstring, without flushing (QMTP answers several at once). 1 or 0. */
extern int nsrv_put (nsrv *s, char const *text, size_t len) ;
/* Flushes the answers before the deadline. 1, or 0 (timeout, peer gone). */
extern int nsrv_flush (nsrv *s) ;

/* One log line on stderr: "PROG: event=tx" and the fields already in sa (logfield_cat). */
extern void nsrv_log (stralloc *sa) ;

#endif
