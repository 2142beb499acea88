/* ISC license. */
/* berth-remote: SMTP AUTH to a smarthost (RFC 4954; PLAIN RFC 4616, else LOGIN), only over TLS.
   control/smtpauth lines: host:user:password (host as the target is named: the smtproutes
   relay, an MX name, "[192.0.2.1]", or the bare address). Trust: the file is the
   administrator's and secret: it must be owned by the remote user and unreadable by others;
   the password goes to the server only, never into a log or a report. */

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <berth/base64.h>
#include <berth/control.h>
#include "remote.h"

#define AUTH_FILE "control/smtpauth"
#define AUTH_OK 235
#define AUTH_MORE 334

int remote_auth_read (rcfg *cfg)
{
  struct stat st ;
  if (stat(AUTH_FILE, &st) < 0) return 1 ;
  if (st.st_uid != geteuid() || st.st_mode & (S_IRWXG | S_IRWXO)) return 0 ;
  return control_readlines(&cfg->auth, AUTH_FILE) >= 0 ;
}

static void wipe (stralloc *sa)
{
  if (sa->s) byte_zero(sa->s, sa->a) ;
  stralloc_free(sa) ;
}

/* "PREFIX base64(s[0..len))\r\n", then the reply's code (0: the connection died) */
static unsigned int step (rconn *c, rcfg const *cfg, char const *prefix, char const *s, size_t len)
{
  stralloc line = STRALLOC_ZERO ;
  unsigned int code = 0 ;
  if (stralloc_cats(&line, prefix) && base64_encode(&line, s, len) && stralloc_catb(&line, "\r\n", 2)
   && remote_conn_write(c, line.s, line.len, TIMEOUT(cfg, TO_MAIL)))
    code = remote_conn_reply(c, TIMEOUT(cfg, TO_MAIL)) ;
  wipe(&line) ;
  return code ;
}

int remote_auth (rconn *c, rcfg const *cfg, rreport *rep, unsigned int caps)
{
  stralloc cred = STRALLOC_ZERO ;   /* "\0user\0password" */
  char const *v = 0 ;
  char const *colon ;
  unsigned int code ;
  if (!cfg->auth.len) return 1 ;
  v = control_mapfind(cfg->auth.s, cfg->auth.len, c->host, 0) ;
  if (!v) v = control_mapfind(cfg->auth.s, cfg->auth.len, c->ip, 0) ;
  if (!v) return 1 ;
  if (!c->tlspid) return remote_report_but(rep, c, "TLS is not up, so I did not send my AUTH credentials. (#4.7.0)", 0) ;
  colon = strchr(v, ':') ;
  if (!colon) return remote_report_but(rep, c, "its control/smtpauth line has no password. (#4.3.5)", 0) ;
  if (!(caps & (SMTPC_AUTH_PLAIN | SMTPC_AUTH_LOGIN)))
    return remote_report_but(rep, c, "it offers neither AUTH PLAIN nor AUTH LOGIN. (#4.7.0)", 0) ;
  if (!stralloc_catb(&cred, "", 1) || !stralloc_catb(&cred, v, colon - v) || !stralloc_catb(&cred, "", 1)
   || !stralloc_cats(&cred, colon + 1))
  {
    wipe(&cred) ;
    return remote_report_but(rep, c, "I ran out of memory. (#4.3.0)", 0) ;
  }
  if (caps & SMTPC_AUTH_PLAIN) code = step(c, cfg, "AUTH PLAIN ", cred.s, cred.len) ;
  else
  {  /* LOGIN: the user, then the password, each after a 334 */
    size_t ul = colon - v ;
    code = remote_conn_write(c, "AUTH LOGIN\r\n", 12, TIMEOUT(cfg, TO_MAIL)) ? remote_conn_reply(c, TIMEOUT(cfg, TO_MAIL)) : 0 ;
    if (code == AUTH_MORE) code = step(c, cfg, "", cred.s + 1, ul) ;
    if (code == AUTH_MORE) code = step(c, cfg, "", cred.s + ul + 2, cred.len - ul - 2) ;
  }
  wipe(&cred) ;
  if (code == AUTH_OK) return 1 ;
  if (!code) return remote_report_but(rep, c, "the connection died during AUTH. (#4.4.2)", 0) ;
  return remote_report_but(rep, c, "my AUTH was refused.", 1) ;
}
