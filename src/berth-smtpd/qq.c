/* ISC license. */
/* Runs $QMAILQUEUE or berth-queue as qmail.c's qmail_open does (libberth's qqrun: message
   pipe on fd 0, envelope pipe on fd 1, error pipe on fd 6, the queue id on fd BERTH_IDFD), or
   commits in process (qdirect.c), or hands the message to berth-qwriter (qwriter.c); then turns the exit code into the SMTP reply.
   Trust: the queue program is trusted; its fd 6 text is sanitised before it reaches the peer. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/qq.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

static int export (char const *key, char const *val, int on)
{
  return on ? setenv(key, val, 1) == 0 : unsetenv(key) == 0 ;
}

/* What a filter such as berth-milter needs to know of the session, beside tcpserver's TCP*
   variables; set in this process only once a queue program is to run (doc/berth-smtpd.md). */
static int facts (smtpd const *s)
{
  return export("BERTH_HELO", s->helo.s, s->helo.len)
    && export("BERTH_AUTH_USER", s->authuser.s, s->authed && s->authuser.len)
    && export("BERTH_AUTH_TYPE", s->authtype, s->authed && s->authtype)
    && export("SSL_PROTOCOL", s->tlsproto, s->tls) && export("SSL_CIPHER", s->tlscipher, s->tls)
    && export("BERTH_MAIL_PARAMS", s->mailparams.s, s->mailparams.len > 1) ;
}

/* The envelope for the queue program: with E and R records only where it takes them. */
int smtpd_envelope (smtpd const *s, stralloc *env)
{
  return s->envext
    ? qq_envelope_ext(env, s->mailfrom.s, s->mparams.s, s->rcpts.s, s->rcpts.len, s->rparams.s)
    : qq_envelope(env, s->mailfrom.s, s->rcpts.s, s->rcpts.len) ;
}

int smtpd_qq_start (smtpd *s, smtpd_qq *q)
{
  qqrun const zero = QQRUN_ZERO ;
  if (s->qdirect)
  {
    if (!smtpd_qd_start(q)) return 0 ;
    if (s->envlimits) qcommit_limits_set(&q->qc, s->envmaxrcpt, s->envmaxbytes) ;
    return 1 ;
  }
  q->direct = q->failed = q->writer = 0 ;
  q->r = zero ;
  if (smtpd_qw_start(s, q)) return 1 ;   /* berth-qwriter took it: no process for this message */
  if (!facts(s)) return 0 ;
  /* berth-smtpd runs nothing else that reads BERTH_IDFD (qqrun_start sets it) */
  if (!qqrun_start(&q->r, s->queueprog)) return 0 ;
  q->msgfd = q->r.msgfd ;
  return 1 ;
}

/* Closing the envelope pipe before its final NUL makes berth-queue give up (qmail-queue: 54). */
void smtpd_qq_abort (smtpd_qq *q)
{
  if (q->direct) { smtpd_qd_abort(q) ; return ; }
  if (q->writer) { smtpd_qw_abort(q) ; return ; }
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

/* A filter's own reply code at the start of its text ("D550 5.7.1 text", "Z451 4.7.1 text"):
   three digits of the text's class (5 for D, 4 for Z) and a space; then its enhanced code when
   one of that class follows. *n is what they take of t. 1, or 0 (qmail's plain text). */
static int codefind (char const *t, size_t len, char kind, char *code, char *esc, size_t *n)
{
  size_t i = 4 ;
  if (len < 5 || t[0] != (kind == 'D' ? '5' : '4') || t[1] < '0' || t[1] > '9' || t[2] < '0' || t[2] > '9' || t[3] != ' ')
    return 0 ;
  memcpy(code, t, 3) ; code[3] = 0 ;
  while (i < len && i < 4 + 15 && ((t[i] >= '0' && t[i] <= '9') || t[i] == '.')) i++ ;
  if (i - 4 >= 5 && t[4] == t[0] && t[5] == '.' && (i == len || t[i] == ' '))
  {
    memcpy(esc, t + 4, i - 4) ; esc[i - 4] = 0 ;
    *n = i < len ? i + 1 : i ;
  }
  else *n = 4 ;
  return 1 ;
}

int smtpd_qq_finish (smtpd *s, smtpd_qq *q, stralloc *reply, char *qid, size_t qidmax)
{
  char text[QQRUN_TEXT_MAX] = "" ;   /* the queue program's own D/Z text, else qmail's */
  char esc[16] ;
  char rcode[4] ;
  char const *t ;
  size_t tlen, skip ;
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
  if (q->writer) code = smtpd_qw_finish(s, q, text, qid, qidmax) ;
  else
  {
    stralloc env = STRALLOC_ZERO ;
    if (!smtpd_envelope(s, &env)) { smtpd_qq_abort(q) ; code = QQ_NOMEM ; memcpy(text, qq_text(code), strlen(qq_text(code)) + 1) ; goto reply ; }
    code = qqrun_finish_env(&q->r, env.s, env.len, text, qid, qidmax) ;
    stralloc_free(&env) ;
  }
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
  memcpy(rcode, t[0] == 'D' ? RP_QQ_PERM : RP_QQ_TEMP, 4) ;
  if (codefind(t + 1, tlen - 1, t[0], rcode, esc, &skip)) { t += skip ; tlen -= skip ; }
  if (!stralloc_cats(reply, rcode)
   || !stralloc_catb(reply, " ", 1) || !stralloc_cats(reply, esc)
   || !stralloc_catb(reply, " ", 1) || !stralloc_catb(reply, t + 1, tlen - 1)
   || !stralloc_0(reply)) return -1 ;
  return 0 ;
}
