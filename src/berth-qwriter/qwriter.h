/* ISC license. */
/* berth-qwriter's files: the accept loop (berth-qwriter.c), its workers (workers.c), one
   connection (serve.c). */
#ifndef QWRITER_H
#define QWRITER_H

#include <sys/types.h>
#include <skalibs/tai.h>

#define QW_CONN 'C'              /* parent to worker: a connection to serve (SCM_RIGHTS) */
#define QW_IDLE 'I'              /* worker to parent: its connection ended, it takes another */
#define QW_IDLE_SECS 10          /* a worker waits this long for its next connection, then exits */
#define QW_WORKER_CONNS 1000     /* connections per worker, then it exits (the next is forked) */

/* Serves the messages of one connection from a peer of uid uid (SO_PEERCRED), until the peer's
   end or a message not committed (the peer reconnects for the next); closes sock. */
extern void qw_serve (int sock, uid_t uid) ;

/* An fd sent on sock with the byte tag (SCM_RIGHTS), waited for until deadline (0: no
   deadline); -1 at EOF, on an error (said) or at the deadline. */
extern int qw_recv_fd (int sock, char tag, tain const *deadline) ;

/* The parent's workers: a forked child per connection at most, kept to serve the next ones
   (workers.c). */
typedef struct qw_worker_s qw_worker ;
struct qw_worker_s
{
  pid_t pid ;   /* 0: a free slot */
  int ctl ;     /* the parent's end of its socket pair; -1 once closed (the worker exits) */
  int idle ;
} ;

/* Gives connection c to an idle worker, else to a new one while fewer than max live; 0 when
   neither could take it (the caller closes c). listen is closed in a new worker. */
extern int qw_give (qw_worker *w, unsigned int max, int c, int listen) ;
/* What the worker of slot i said on its ctl (readable): idle, or it is gone. */
extern void qw_heard (qw_worker *w, unsigned int i) ;
/* The slots of the children that ended, freed. */
extern void qw_reap (qw_worker *w, unsigned int max) ;

#endif
