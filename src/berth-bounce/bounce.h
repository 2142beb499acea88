/* ISC license. */
/* berth-bounce's parts: the notification's data, its composition (RFC 3464 report or qmail's
   QSBMF), the original message's scan and copy, and the injection through berth-queue. */
#ifndef BERTH_BOUNCE_H
#define BERTH_BOUNCE_H

#include <stdint.h>
#include <time.h>
#include <skalibs/buffer.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/dsn.h>

#define BOUNCE_BOUNDARY_MAX 128
#define BOUNCE_MAXBYTES_DEFAULT 50000

typedef struct bounce_s bounce, *bounce_ref ;
struct bounce_s
{
  char const *id ;          /* the original's queue id */
  char const *sender ;      /* the original's envelope sender */
  char const *rcpt ;        /* where the notification goes */
  char const *envsender ;   /* "" or "#@[]" */
  int dbl ;                 /* a bounce of a bounce */
  int delayed ;             /* a delay warning (-d): Action delayed, the message still queued */
  char const *recs ;        /* queue/bounce/<id>, records point into it */
  dsn_rcpt const *r ;
  size_t n ;
  char const *me ;
  char const *bouncehost ;
  char const *from ;
  uint64_t arrival ;
  time_t now ;
  int messfd ;              /* -1: the original is gone */
  uint64_t messsize ;        /* without the queue header */
  uint64_t messstart ;       /* where the message begins in messfd (doc/queue.md) */
  unsigned long maxbytes ;
  int headersonly ;
  int has8bit ;
  int ret ;                 /* RET: ENVEXT_RET_* (params.c) */
  char const *envid ;       /* ENVID (xtext, checked) into recs, or 0 */
  size_t envidlen ;
  size_t nsuccess ;         /* success reports among the records (delivered, relayed) */
  char boundary[BOUNCE_BOUNDARY_MAX] ;
} ;

/* A buffer that counts what went through it. */
typedef struct wout_s wout, *wout_ref ;
struct wout_s
{
  buffer b ;
  uint64_t bytes ;
} ;
extern int wput (wout *w, char const *s, size_t n) ;
extern int wputs (wout *w, char const *s) ;
extern int wputsa (wout *w, stralloc const *sa) ;
extern int wdate (wout *w, uint64_t t) ;

/* original.c: picks x->boundary (not a line of the original) and sets has8bit; 1, or 0 on a read error. */
extern int original_scan (bounce *x) ;
/* Copies the original (or its header lines) to w; ends with a newline. 1, or 0 (errno set). */
extern int original_copy (wout *w, bounce const *x) ;

/* mime.c, qsbmf.c: the whole notification. 1, or 0 on a write error or out of memory. */
extern int compose_mime (wout *w, bounce const *x) ;
extern int compose_qsbmf (wout *w, bounce const *x) ;

/* params.c: x's ret, envid and nsuccess from its records; a record's ORCPT decoded into sa (1,
   or 0 when it has none or on an error); the records without the success reports, compacted
   (their new number returned). */
extern void bounce_params (bounce *x) ;
extern int bounce_orcpt (stralloc *sa, bounce const *x, dsn_rcpt const *p) ;
extern size_t bounce_failures_only (dsn_rcpt *r, size_t n) ;

/* inject.c: runs $QMAILQUEUE or the berth-queue next to this program with BERTH_QUEUEID=qid.
   Returns the queue's exit code (QQ_*); compose is called with the message pipe. */
extern int inject (bounce const *x, char const *qid, int qsbmf, uint64_t *bytes) ;

#endif
