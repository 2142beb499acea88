/* ISC license. */
/* berth-listen's internal interfaces. */
#ifndef BERTH_LISTEN_H
#define BERTH_LISTEN_H

#include <stdint.h>
#include <sys/types.h>
#include <skalibs/ip46.h>
#include <skalibs/gccattributes.h>
#include <skalibs/iopause.h>
#include <skalibs/tai.h>

typedef struct opts_s opts ;
struct opts_s
{
  unsigned int limit ;
  unsigned int backlog ;
  unsigned int maxuse ;    /* -m: sessions per process (1: a process per session, as tcpserver) */
  unsigned int idle ;      /* -i: seconds an idle worker of -m waits for its next session */
  char const *rules ;
  char const *localname ;
  int drop ;
  int verbose ;
  int is6 ;   /* the listening socket's family */
  int proxy ; /* BERTH_TLSPROXYFD, 0 when none */
} ;

/* pool.c: the workers of -m, each a process serving sessions one after another. The master
   hands a worker one connection at a time over the worker's control socket (the fd, tag
   LISTEN_CONN); the worker answers with one byte when that session is over: LISTEN_DONE (it
   waits for the next), LISTEN_DENIED (the rules refused the peer), LISTEN_TEMP (it could not
   set the session up). A worker that served -m sessions exits instead; an idle one is retired
   by closing its socket. */
#define LISTEN_CONN 'C'
#define LISTEN_DONE 'I'
#define LISTEN_DENIED 'D'
#define LISTEN_TEMP 'T'

typedef struct worker_s worker ;
struct worker_s
{
  pid_t pid ;        /* 0: a free entry */
  int fd ;           /* the control socket; -1 once closed (the worker exits) */
  int busy ;         /* serving a session */
  tain until ;       /* idle: retired at that time */
} ;

typedef struct pool_s pool ;
struct pool_s
{
  worker *w ;
  unsigned int max ;   /* entries */
} ;

extern int pool_init (pool *, opts const *) ;
/* conn to a worker, an idle one or a new one; 1 given (n counts it), 0 dropped (warned) */
extern int pool_give (pool *, opts const *, int lfd, int conn, char const *ip, uint16_t port, unsigned int *n) ;
/* the answers on the workers' sockets (x: their iopause entries, from pool_fds) */
extern void pool_answers (pool *, opts const *, iopause_fd const *x, unsigned int nx, unsigned int *n) ;
/* the iopause entries of the workers' sockets into x (room for p->max); how many */
extern unsigned int pool_fds (pool const *, iopause_fd *x) ;
/* a reaped process; 1 when it was one of the pool's (n counted for it) */
extern int pool_reaped (pool *, opts const *, pid_t, int wstat, unsigned int *n) ;
/* retires the workers idle past their time; the earliest time still to come into *deadline */
extern void pool_retire (pool *, tain *deadline) ;
/* logs a session's start or end as tcpserver -v does */
extern void listen_log_start (opts const *, pid_t, char const *ip, uint16_t port, unsigned int n) ;
extern void listen_log_end (opts const *, pid_t, unsigned int status, unsigned int n) ;

/* worker.c: the worker's life, from its first connection; never returns */
extern void listen_worker (opts const *, int conn, int ctl) gccattr_noreturn ;
/* one connection's environment and rules into the session's process: 1 go on, 0 denied (logged
   with -v), -1 failed (warned). ipstr as listen_env gives it. n: the sessions' count for -v's
   start line, 0 when the master logged it. */
extern int listen_session_env (opts const *, int conn, char *ipstr, uint16_t *port, unsigned int n) ;

/* rules.c: 1 allowed (the rule's variables set), 0 denied, -1 unreadable or corrupt cdb */
extern int listen_rules (char const *file, char const *ip) ;

/* env.c: tcpserver's variables for one connection (PROTO, TCPLOCAL*, TCPREMOTE*, TCP6*);
   the remote IP as TCPREMOTEIP shows it into ipstr (IP46_FMT + 1). 1 ok, 0 error. */
extern int listen_env (int conn, char const *localname, char *ipstr, uint16_t *port) ;
/* an address as TCPREMOTEIP shows it (an IPv4-mapped one as a.b.c.d), into s (IP46_FMT + 1) */
extern void listen_ip_fmt (char *s, ip46 const *a) ;

#endif
