/* ISC license. */
/* berth-qctl's internal interfaces: selecting ids from the queue, talking to berth-send.
   Trust: see berth-qctl.c. */
#ifndef BERTH_QCTL_H
#define BERTH_QCTL_H

#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>

typedef struct sel_s sel ;
struct sel_s
{
  char const *from ;
  char const *rcpt ;
  char const *domain ;
  int all ;
} ;

/* select.c: ids of the queued messages matching every given criterion, into ids (NUL-separated) */
extern void select_ids (sel const *, stralloc *ids) ;

/* talk.c */
typedef struct talk_s talk ;
struct talk_s
{
  int cfd ;        /* queue/lock/ctl, write end */
  int rfd ;        /* our reply fifo, read end */
  char name[32] ;  /* qctl.<pid> */
  char path[64] ;  /* queue/lock/qctl.<pid> */
  stralloc in ;
} ;
extern void talk_open (talk *) ;
extern void talk_close (talk *) ;
extern void talk_die (talk *, int e, char const *s1, char const *s2) gccattr_noreturn ;
/* sends "verb id", waits (at most secs) for the reply line, stored NUL-terminated in t->in;
   returns the reply word's length (0: timeout) */
extern size_t talk_one (talk *, char const *verb, char const *id, unsigned int secs) ;

/* offline.c: berth-qctl -o */
extern int offline_lock (void) ;
extern char const *offline_one (char const *verb, char const *id, char const **text) ;

#endif
