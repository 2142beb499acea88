/* ISC license. */
/* One key=value line per session and per transaction on stderr.
   Trust: peer-supplied values are escaped by berth's one log quoting rule (berth/logfield.h:
   \xHH for anything outside printable ASCII, space, backslash, '=' and '"') and cut at
   SMTPD_LOGFIELD_MAX bytes. */

#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/fmtscan.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/logfield.h>
#include <berth/smtpd.h>

void smtpd_log_cat (stralloc *sa, char const *key, char const *val, size_t len)
{
  logfield_cat(sa, key, val, len > SMTPD_LOGFIELD_MAX ? SMTPD_LOGFIELD_MAX : len) ;
}

static void logs (stralloc *sa, char const *key, char const *val)
{
  smtpd_log_cat(sa, key, val, strlen(val)) ;
}

static void lognum (stralloc *sa, char const *key, uint64_t u)
{
  char fmt[UINT64_FMT] ;
  smtpd_log_cat(sa, key, fmt, uint64_fmt(fmt, u)) ;
}

static void emit (stralloc *sa)
{
  if (!stralloc_catb(sa, "\n", 1)) return ;
  buffer_putflush(buffer_2, sa->s, sa->len) ;
}

static void common (smtpd *s, stralloc *sa, char const *event)
{
  sa->len = 0 ;
  stralloc_cats(sa, "berth-smtpd:") ;
  logs(sa, "event", event) ;
  logs(sa, "ip", s->remoteip) ;
  smtpd_log_cat(sa, "helo", s->helo.s ? s->helo.s : "", s->helo.len) ;
}

void smtpd_log_tx (smtpd *s, char const *status, char const *qid, uint64_t size, char const *reason)
{
  stralloc sa = STRALLOC_ZERO ;
  common(s, &sa, "tx") ;
  logs(&sa, "status", status) ;
  smtpd_log_cat(&sa, "from", s->mailfrom.s ? s->mailfrom.s : "", s->mailfrom.len) ;
  lognum(&sa, "rcpts", s->nrcpt) ;
  lognum(&sa, "size", size) ;
  if (s->msg.chunks) lognum(&sa, "chunks", s->msg.chunks) ;
  logs(&sa, "proto", smtpd_proto(s)) ;
  if (s->tls) { logs(&sa, "tls", s->tlsproto) ; logs(&sa, "cipher", s->tlscipher) ; }
  if (s->authed) smtpd_log_cat(&sa, "user", s->authuser.s, s->authuser.len) ;
  if (s->sid[0]) logs(&sa, "sid", s->sid) ;
  if (qid) logs(&sa, "qid", qid) ;
  if (reason) logs(&sa, "reason", reason) ;
  emit(&sa) ;
  stralloc_free(&sa) ;
}

void smtpd_log_session (smtpd *s, char const *reason)
{
  stralloc sa = STRALLOC_ZERO ;
  common(s, &sa, "session") ;
  if (s->remotehost) logs(&sa, "host", s->remotehost) ;
  lognum(&sa, "tx", s->ntx) ;
  lognum(&sa, "accepted", s->naccepted) ;
  lognum(&sa, "errors", s->errors) ;
  if (s->tls) { logs(&sa, "tls", s->tlsproto) ; logs(&sa, "cipher", s->tlscipher) ; }
  if (s->authed) smtpd_log_cat(&sa, "user", s->authuser.s, s->authuser.len) ;
  logs(&sa, "end", reason) ;
  emit(&sa) ;
  stralloc_free(&sa) ;
}

/* Never the password: only the mechanism, the user name (escaped) and the outcome. */
void smtpd_log_auth (smtpd *s, char const *mech, char const *user, size_t ulen, char const *result)
{
  stralloc sa = STRALLOC_ZERO ;
  common(s, &sa, "auth") ;
  logs(&sa, "mech", mech) ;
  smtpd_log_cat(&sa, "user", user, ulen) ;
  logs(&sa, "result", result) ;
  lognum(&sa, "failures", s->authfails) ;
  emit(&sa) ;
  stralloc_free(&sa) ;
}

void smtpd_log_tls (smtpd *s, char const *result)
{
  stralloc sa = STRALLOC_ZERO ;
  common(s, &sa, "starttls") ;
  logs(&sa, "result", result) ;
  if (s->tls) { logs(&sa, "tls", s->tlsproto) ; logs(&sa, "cipher", s->tlscipher) ; }
  emit(&sa) ;
  stralloc_free(&sa) ;
}

/* the recipient check's refusals, and the recipients it could not check (accepted) */
void smtpd_log_rcpt (smtpd *s, char const *status, char const *rcpt, size_t len, char const *reason)
{
  stralloc sa = STRALLOC_ZERO ;
  common(s, &sa, "rcpt") ;
  logs(&sa, "status", status) ;
  smtpd_log_cat(&sa, "from", s->mailfrom.s ? s->mailfrom.s : "", s->mailfrom.len) ;
  smtpd_log_cat(&sa, "rcpt", rcpt, len) ;
  logs(&sa, "reason", reason) ;
  emit(&sa) ;
  stralloc_free(&sa) ;
}
