/* ISC license. */
/* In-process queueing for berth-milter, as berth-smtpd's qdirect.c: when no $BERTH_MILTER_NEXT is
   set, no quarantine asked, the instance is no null client (control/qmqpservers), and berth-milter already runs as the owner of queue/ (single-user
   instances), running berth-queue would cross no privilege boundary, so the message is committed
   here through the same libberth commit (qcommit.h), saving one exec per message. The Received
   line says "invoked from network" for a network client, as berth-smtpd's own commit does.
   Trust: the message and envelope are berth-milter's (checked again by envscan, as berth-queue). */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <berth/qcommit.h>
#include <berth/qq.h>
#include <berth/queue.h>
#include "bm.h"

int bm_direct_usable (bm_msg const *m)
{
  struct stat st ;
  char const *x = getenv("BERTH_MILTER_NEXT") ;
  if ((x && *x) || m->hold.len) return 0 ;
  if (access("control/qmqpservers", F_OK) == 0) return 0 ;   /* a null client: berth-queue hands it to its hubs */
  return stat(QUEUE_DIR, &st) == 0 && st.st_uid == geteuid() && access(QUEUE_MESS, W_OK) == 0 ;
}

/* 0 and the queue id in id, or qmail-queue's exit code (nothing committed); text: a D/Z text
   for QQ_CUSTOM (a limit of the envelope), else empty. */
int bm_direct (bm_msg const *m, char *id, size_t idmax, char *text, size_t textmax)
{
  qcommit q = QCOMMIT_ZERO ;
  qcommit_names names = QCOMMIT_NAMES_ZERO ;
  stralloc env = STRALLOC_ZERO ;
  size_t used ;
  int code = qcommit_start(&q, 0, getuid(), getenv("TCPREMOTEIP") ? "invoked from network" : 0) ;
  text[0] = 0 ; id[0] = 0 ;
  if (code) return code ;
  if (!bm_msg_write(m, q.fd)) { qcommit_abort(&q) ; return qcommit_errcode(QQ_WRITE) ; }
  if (!bm_envelope(m, &env)) { qcommit_abort(&q) ; return QQ_NOMEM ; }
  code = qcommit_env(&q, env.s, env.len, &used) ;
  if (!code && used != env.len) code = QQ_ENVELOPE ;
  stralloc_free(&env) ;
  if (code == QQ_PERM_REFUSED && q.e.over)
  {   /* over a limit: the text berth-queue gives on fd 6 */
    char const *t = envscan_text(&q.e) ;
    size_t n = strlen(t) ;
    if (n >= textmax) n = textmax - 1 ;
    memcpy(text, t, n) ; text[n] = 0 ;
    code = QQ_CUSTOM ;
  }
  if (!code) code = qcommit_finish(&q, &names) ;
  if (code) { qcommit_abort(&q) ; return code ; }
  {
    size_t n = strlen(q.id) ;
    if (n >= idmax) n = idmax - 1 ;
    memcpy(id, q.id, n) ; id[n] = 0 ;
  }
  return 0 ;
}
