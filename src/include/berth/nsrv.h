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
#include <sys/types.h>
#include <skalibs/bufalloc.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/qqrun.h>

#define NSRV_TIMEOUT_DEFAULT 1200    /* seconds per read or write, berth-smtpd's */
#define NSRV_SESSION_DEFAULT 3600    /* seconds for a session, berth-smtpd's */
#define NSRV_CHUNK 16384             /* a message is streamed through this much memory */
#define NSRV_TEXT_QQ "Zunable to run the queue program (#4.3.0)"
#define NSRV_TEXT_QQWRITE "Zqq write error (#4.3.0)"
#define NSRV_TEXT_NOMEM "Zout of memory (#4.3.0)"

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

/* berth/nsin.h's reads on fd 0, each under nsrv_deadline; the same results. */
extern ssize_t nsrv_len (nsrv *s, size_t *len) ;
extern int nsrv_get (nsrv *s, char *buf, size_t n) ;
extern int nsrv_comma (nsrv *s) ;

/* Starts the queue program (berth/qqrun.h) and writes the Received line (berth/rcvd.h) for
   prog and proto. 1; or 0 with *text the temporary answer (nothing left running). */
extern int nsrv_qqstart (nsrv *s, qqrun *q, char const *prog, char const *proto, char const **text) ;

/* Writes text as one netstring, without flushing (QMTP answers several at once). 1 or 0. */
extern int nsrv_put (nsrv *s, char const *text, size_t len) ;
/* Flushes the answers before the deadline. 1, or 0 (timeout, peer gone). */
extern int nsrv_flush (nsrv *s) ;

/* " key=value" (berth/logfield.h), value cut at NSRV_LOGFIELD_MAX bytes */
#define NSRV_LOGFIELD_MAX 256
extern void nsrv_logcat (stralloc *sa, char const *key, char const *val, size_t len) ;
/* the fields every line starts with: ip= status= from= */
extern void nsrv_logstart (nsrv const *s, stralloc *sa, char const *status, char const *from, size_t fromlen) ;

/* One log line on stderr: "PROG: event=tx" and the fields already in sa (logfield_cat). */
extern void nsrv_log (stralloc *sa) ;

#endif
