/* ISC license. */
/* Runs $QMAILQUEUE or berth-queue as qmail.c's qmail_open does (libberth's qqrun: message
   pipe on fd 0, envelope pipe on fd 1, error pipe on fd 6, the queue id on fd BERTH_IDFD), or
   commits in process (qdirect.c); then turns the exit code into the SMTP reply.
   Trust: the queue program is trusted; its fd 6 text is sanitised before it reaches the peer. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/qq.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

int smtpd_qq_start (smtpd const *s, smtpd_qq *q)
{
  qqrun const zero = QQRUN_ZERO ;
  if (s->qdirect) return smtpd_qd_start(q) ;
  q->direct = q->failed = 0 ;
  q->r = zero ;
  /* berth-smtpd runs nothing else that reads BERTH_IDFD (qqrun_start sets it) */
  if (!qqrun_start(&q->r, s->queueprog)) return 0 ;
  q->msgfd = q->r.msgfd ;
  return 1 ;
}

/* Closing the envelope pipe before its final NUL makes berth-queue give up (qmail-queue: 54). */
void smtpd_qq_abort (smtpd_qq *q)
{
  if (q->direct) { smtpd_qd_abort(q) ; return ; }
  qqrun_abort(&q->r) ;
  q->msgfd = -1 ;
}

/* "text (#x.y.z)": the enhanced code in the text, else dflt. */
static void escfind (char const *t, size_t len, char const *dflt, char *esc)
{
  char const *p = 0 ;
  size_t i = 0 ;
  for (; i + 2 < len ; i++) if (t[i] == '(' && t[i+1] == '#') p = t + i + 2 ;
  if (p)
  {
    size_t n = 0 ;
    while (p + n < t + len && n < 15 && ((p[n] >= '0' && p[n] <= '9') || p[n] == '.')) n++ ;
    if (n >= 5 && p[n] == ')' && p[0] == dflt[0]) { memcpy(esc, p, n) ; esc[n] = 0 ; return ; }
  }
  memcpy(esc, dflt, strlen(dflt) + 1) ;
}

int smtpd_qq_finish (smtpd *s, smtpd_qq *q, stralloc *reply, char *qid, size_t qidmax)
{
  char text[QQRUN_TEXT_MAX] = "" ;   /* the queue program's own D/Z text, else qmail's */
  char esc[16] ;
  char const *t ;
  size_t tlen ;
  int code ;
  if (q->direct)
  {
    code = smtpd_qd_finish(s, q) ;
    memcpy(qid, q->qc.id, qidmax < QUEUE_ID_MAX ? qidmax : QUEUE_ID_MAX) ;
    qid[qidmax - 1] = 0 ;
    if (code) qid[0] = 0 ;
    if (code) { t = qq_text(code) ; memcpy(text, t, strlen(t) + 1) ; }
    goto reply ;
  }
  code = qqrun_finish(&q->r, s->mailfrom.s, s->rcpts.s, s->rcpts.len, text, qid, qidmax) ;
  q->msgfd = -1 ;
 reply:
  reply->len = 0 ;
  if (code == QQ_OK)
  {
    if (!stralloc_cats(reply, RP_QQ_OK) || !stralloc_cats(reply, qid[0] ? qid : "?") || !stralloc_0(reply)) return -1 ;
    return 1 ;
  }
  t = text ; tlen = strlen(text) ;
  escfind(t + 1, tlen - 1, t[0] == 'D' ? RP_QQ_PERM_ESC : RP_QQ_TEMP_ESC, esc) ;
  if (!stralloc_cats(reply, t[0] == 'D' ? RP_QQ_PERM : RP_QQ_TEMP)
   || !stralloc_catb(reply, " ", 1) || !stralloc_cats(reply, esc)
   || !stralloc_catb(reply, " ", 1) || !stralloc_catb(reply, t + 1, tlen - 1)
   || !stralloc_0(reply)) return -1 ;
  return 0 ;
}
