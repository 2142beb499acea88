/* ISC license. */
/* A null client's berth-queue: when the instance berth_home_chdir chose has control/qmqpservers, the
   message goes to its hubs instead of a local queue, so every injector (berth-inject, sendmail,
   berth-bounce, a filter ending in berth-queue) needs no $QMAILQUEUE there. berth-queue execs
   berth-qmqpc (its sibling) with the same fds; berth-qmqpc's exit codes are qmail-queue's.
   Trust: the decision and the instance are berth-queue's own (libberth/berth_home_chdir.c), never the caller's:
   berth-qmqpc gets BERTH_HOME set to that instance. Set-uid, berth-queue first gives up the
   queue owner's ids for the caller's own (real, effective and saved), since berth-qmqpc needs
   no queue and reads the caller's environment: it runs as the caller would run it. */

#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include <skalibs/exec.h>
#include <skalibs/stralloc.h>
#include <berth/qq.h>
#include <berth/sibling.h>
#include "qq_qmqp.h"

#define QQ_QMQP_SERVERS "control/qmqpservers"
#define QQ_QMQP_PROG "berth-qmqpc"
#define QQ_QMQP_HOMEVAR "BERTH_HOME="

int qq_qmqp (uid_t uid, gid_t gid)
{
  stralloc prog = STRALLOC_ZERO ;
  stralloc modif = STRALLOC_ZERO ;
  char const *argv[2] = { QQ_QMQP_PROG, 0 } ;
  struct stat st ;
  /* stat, not access: set-uid, the queue owner's view of its own instance decides */
  if (stat(QQ_QMQP_SERVERS, &st) < 0) return errno == ENOENT || errno == ENOTDIR ? 0 : QQ_CONFIG ;
  if (getegid() != gid && setregid(gid, gid) < 0) return QQ_BUG ;
  if (geteuid() != uid && setreuid(uid, uid) < 0) return QQ_BUG ;
  if (!stralloc_cats(&modif, QQ_QMQP_HOMEVAR) || sagetcwd(&modif) < 0 || !stralloc_0(&modif)
   || !berth_sibling(&prog, QQ_QMQP_PROG)) return QQ_NOMEM ;
  alarm(0) ;   /* berth-queue's deadline is not berth-qmqpc's: it has its own timeouts */
  mexec_am(prog.s, argv, modif.s, modif.len) ;
  return QQ_EXEC_FAILED ;
}
