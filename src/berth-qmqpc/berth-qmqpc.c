/* ISC license. */
/* berth-qmqpc: a qmail-queue that queues nothing here (qmail-qmqpc). It reads the message on
   fd 0 and the envelope on fd 1 as qmail-queue does, and hands both to the first QMQP server of
   control/qmqpservers that takes the request, in the file's order; a null client's berth-inject,
   sendmail and berth-smtpd run it as $QMAILQUEUE. Exit codes are qmail-qmqpc's: 0 (a server
   said K), 31 (D), 71 (Z), 72/73 (no server reached: timeout, refused), 74 (the request went out
   and no answer came), 55 (no usable control/qmqpservers), 61 (no instance home). With a D or Z
   answer and fd 6 a pipe open for writing (qmail's error pipe), the server's own text goes there
   with exit 82 instead, so the caller can show it. Trust: as qmail-queue's callers are; the
   servers' answers are bounded and checked. doc/berth-qmqpc.md describes it. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/control.h>
#include <berth/home.h>
#include <berth/qmqp.h>
#include <berth/qq.h>
#include <berth/qqrun.h>
#include <berth/stdopts.h>
#include "qmqpc.h"

static void answered (stralloc const *ans)
{
  char c = ans->len ? ans->s[0] : 0 ;
  if (c == QMQP_OK) _exit(QQ_OK) ;
  if (c != QMQP_PERM && c != QMQP_TEMP) _exit(QQ_CONN_FAILED) ;   /* not QMQP's answer */
  if (ans->len >= 2 && qq_errpipe(QQRUN_ERRFD))   /* only qmail's error pipe, as berth-queue decides */
  {
    char t[ans->len] ;
    size_t i = 0 ;
    for (; i < ans->len ; i++) t[i] = (ans->s[i] < 32 || ans->s[i] > 126) ? '?' : ans->s[i] ;
    if (allwrite(QQRUN_ERRFD, t, ans->len) == ans->len) _exit(QQ_CUSTOM) ;
  }
  _exit(c == QMQP_PERM ? QQ_PERM_REFUSED : QQ_TEMP_REFUSED) ;
}

#define SYNOPSIS "QMAILQUEUE=/var/berth/bin/berth-qmqpc berth-inject < message"

int main (int argc, char const *const *argv)
{
  stralloc servers = STRALLOC_ZERO, msg = STRALLOC_ZERO, head = STRALLOC_ZERO, tail = STRALLOC_ZERO ;
  stralloc ans = STRALLOC_ZERO ;
  int last = QQ_CONFIG ;
  size_t i = 0 ;
  int r ;
  PROG = "berth-qmqpc" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  sig_ignore(SIGPIPE) ;
  if (chdir(berth_home()) < 0) _exit(QQ_HOME) ;
  if (control_readlines(&servers, QMQPC_SERVERS) <= 0 || !servers.len) _exit(QQ_CONFIG) ;
  if (!slurp(&msg, 0)) _exit(errno == ENOMEM ? QQ_NOMEM : QQ_READ) ;
  r = qmqpc_request(&msg, &head, &tail) ;
  if (r) _exit(r) ;
  for (; i < servers.len ; i += strlen(servers.s + i) + 1)
  {
    qmqpc_server srv ;
    int sent ;
    if (!qmqpc_server_scan(servers.s + i, &srv))
    {
      strerr_warnw3x("skipping a line of ", QMQPC_SERVERS, " that is not an address") ;
      continue ;
    }
    r = qmqpc_send(&srv, &head, &msg, &tail, &ans, &sent) ;
    if (!r) answered(&ans) ;
    if (sent || r == QQ_NOMEM) _exit(r) ;
    last = r ;
  }
  _exit(last) ;
}
