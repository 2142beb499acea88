/* ISC license. */
/* berth-lspawn's internal interface: recipient lookup and running berth-local. */
#ifndef BERTH_LSPAWN_H
#define BERTH_LSPAWN_H

#include <sys/types.h>
#include <skalibs/stralloc.h>
#include <berth/guests.h>

#define RESULT_OK 'K'
#define RESULT_TEMP 'Z'
#define RESULT_PERM 'D'
#define RESULT_TEXT_MAX 1000
#define ALIAS_USER "alias"
#define ALIAS_DIR "alias"

/* Who may receive: read once at startup, never changed. */
typedef struct lctx_s lctx, *lctx_ref ;
struct lctx_s
{
  int root ;               /* multi-user mode */
  uid_t uid ;              /* single-user: the instance owner (ourselves) */
  gid_t gid ;
  char const *name ;       /* single-user: the owner's passwd name, or 0 */
  char const *pwdir ;      /* single-user: the owner's passwd home, or 0 */
  uid_t homeuid ;          /* owner of HOME/alias (else HOME): the alias uid/gid without passwd "alias" */
  gid_t homegid ;
  char const *aliashome ;  /* absolute HOME/alias */
  char brk ;               /* conf-break: the user/extension separator */
} ;

typedef struct target_s target, *target_ref ;
struct target_s
{
  uid_t uid ;
  gid_t gid ;
  size_t user, home, dash, ext ;   /* offsets into a stralloc */
} ;

/* passwd lookups through berth-getpw, a co-process (getpw.c, doc/berth-getpw.md) */
#define GETPW_PROG "berth-getpw"
typedef struct pwent_s pwent, *pwent_ref ;
struct pwent_s
{
  uid_t uid ;
  gid_t gid ;
  size_t name, dir ;   /* offsets into a stralloc */
} ;
typedef struct getpw_s getpw, *getpw_ref ;
struct getpw_s
{
  char const *prog ;
  pid_t pid ;          /* 0: not running */
  int rfd, wfd ;
  stralloc in ;
} ;
#define GETPW_ZERO { .prog = GETPW_PROG, .pid = 0, .rfd = -1, .wfd = -1, .in = STRALLOC_ZERO }

/* kind 'n' (key: a user name) or 'u' (key: a uid in decimal). 1 found (*p, strings appended to
   sa), 0 no such user, -1 temporary error. */
extern int getpw_ask (getpw *g, char kind, char const *key, pwent *p, stralloc *sa) ;
extern void getpw_end (getpw *g) ;

/* 0: deliver to *t (strings appended to sa). Else the immediate result code ('K', 'Z' or 'D')
   and *text. lower is local lowercased. */
extern char lookup (lctx const *c, getpw *g, char const *lower, target *t, stralloc *sa, char const **text) ;

/* Forks berth-local for t with the message on messfd and stdout+stderr on outfd.
   argv: the 8 qmail-local arguments after "--". Returns the pid or -1. */
/* berth-local's program (src/berth-local, linked in through build/liblocal.a): berth/guests.h */
/* ctlfd: the child's end of its control socket (a kept child: fd 3, close-on-exec in
   single-user mode; as root left open across the exec and named in berth-local's environment,
   KEPT_ENV_FD), else -1 */
extern pid_t local_spawn (char const *prog, int root, target const *t, char const *const *args, int messfd, int outfd, int ctlfd) ;

/* localenv.c: berth-local's whole environment when exec'ed as root, in envp[LOCAL_ENV_MAX];
   kept: with its control socket's fd (KEPT_ENV_FD) */
#define LOCAL_PATH "PATH=/usr/local/bin:/usr/bin:/bin"
#define LOCAL_ENV_PASS 2  /* QMAILQUEUE, BERTH_HOME */
#define LOCAL_ENV_MAX 5   /* PATH, the passed ones, KEPT_ENV_FD, the end */
extern void local_env (char const **envp, int kept) ;

/* messopen.c: queue/mess/<id>, a regular file owned by owner, not through a symbolic link,
   positioned past its queue header (copy: the message alone, in a memory file at offset 0);
   -1 and *text (a Z result's text) on failure */
extern int mess_open (char const *id, uid_t owner, int copy, char const **text) ;

/* Appends a result record (code, sanitised text, NUL) to sa. 1 or 0 (out of memory). */
extern int result_cat (stralloc *sa, char code, char const *s, size_t len) ;

#endif
