/* ISC license. */
/* Forwarding: one injection through $QMAILQUEUE or berth-queue with the Delivered-To line on top,
   as qmail-local does after every other line of the .qmail file has been handled. */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <berth/qq.h>
#include <berth/sibling.h>
#include "local.h"

#define QUEUE_PROG "berth-queue"

/* $QMAILQUEUE, else berth-queue next to this program (or on $PATH). */
static void queue_path (stralloc *sa)
{
  char const *q = getenv("QMAILQUEUE") ;
  int ok ;
  sa->len = 0 ;
  if (q && *q) ok = stralloc_copys(sa, q) && stralloc_0(sa) ;
  else ok = berth_sibling(sa, QUEUE_PROG) || (errno != ENOMEM && stralloc_copys(sa, QUEUE_PROG) && stralloc_0(sa)) ;
  if (!ok) local_say_die(LOCAL_TEMP, "Out of memory. (#4.3.0)", (char *)0) ;
}

static int write_envelope (int fd, char const *sender, char const *recips, size_t len)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok = stralloc_catb(&sa, "F", 1) && stralloc_cats(&sa, sender) && stralloc_0(&sa) ;
  for (size_t i = 0 ; ok && i < len ; i += strlen(recips + i) + 1)
    ok = stralloc_catb(&sa, "T", 1) && stralloc_cats(&sa, recips + i) && stralloc_0(&sa) ;
  ok = ok && stralloc_0(&sa) && allwrite(fd, sa.s, sa.len) == sa.len ;
  stralloc_free(&sa) ;
  return ok ;
}

void local_deliver_forward (char const *sender, char const *recips, size_t len, unsigned int n, lines const *l, unsigned long *qp)
{
  stralloc path = STRALLOC_ZERO ;
  int pm[2], pe[2] ;
  int wstat, readerr = 0 ;
  pid_t pid ;
  char const *text ;
  (void)n ;
  queue_path(&path) ;
  local_mess_rewind() ;
  if (pipe(pm) < 0 || pipe(pe) < 0) local_say_die(LOCAL_TEMP, "Unable to create pipe: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  pid = fork() ;
  if (pid < 0) local_say_die(LOCAL_TEMP, "Unable to fork: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  if (!pid)
  {
    char const *argv[2] = { path.s, 0 } ;
    close(pm[1]) ; close(pe[1]) ;
    if (fd_move(0, pm[0]) < 0 || fd_move(1, pe[0]) < 0) _exit(QQ_BUG) ;
    sig_restore(SIGPIPE) ;
    if (strchr(path.s, '/')) execv(path.s, (char *const *)argv) ;
    else execvp(path.s, (char *const *)argv) ;
    _exit(QQ_EXEC_FAILED) ;
  }
  close(pm[0]) ; close(pe[0]) ;
  *qp = (unsigned long)pid ;
  /* A write error means berth-queue died: its exit code tells why. A read error of ours must
     not queue a truncated message: the envelope is then never sent, so berth-queue aborts. */
  if (allwrite(pm[1], l->dt, l->dtlen) == l->dtlen) readerr = local_mess_copy(pm[1]) == -1 ;
  close(pm[1]) ;
  if (!readerr) write_envelope(pe[1], sender, recips, len) ;
  close(pe[1]) ;
  if (wait_pid(pid, &wstat) < 0) local_say_die(LOCAL_TEMP, "Unable to wait for qq: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  if (readerr) local_say_die(LOCAL_TEMP, "Unable to read message. (#4.3.0)", (char *)0) ;
  if (WIFSIGNALED(wstat)) text = "Zqq crashed (#4.3.0)" ;
  else if (!WEXITSTATUS(wstat)) text = 0 ;
  else text = qq_text(WEXITSTATUS(wstat)) ;
  stralloc_free(&path) ;
  if (text) local_say_die(text[0] == 'D' ? LOCAL_PERM : LOCAL_TEMP, "Unable to forward message: ", text + 1, ".", (char *)0) ;
}
