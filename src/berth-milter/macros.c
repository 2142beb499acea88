/* ISC license. */
/* The session facts a milter is told: SMFIC_CONNECT's client and Sendmail's macros per stage,
   from the environment berth-smtpd gives the queue program (tcpserver's TCP* variables, and
   BERTH_HELO, BERTH_AUTH_USER, BERTH_AUTH_TYPE, SSL_PROTOCOL, SSL_CIPHER, doc/berth-smtpd.md).
   Without TCPREMOTEIP the mail is local (berth-inject): the client is localhost, 127.0.0.1, as
   Postfix tells milters of its non-SMTP mail. Trust: the environment is the caller's, trusted;
   each value is cut at its first NUL by construction. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/milter.h>
#include "bm.h"

#define LOCAL_IP "127.0.0.1"
#define LOCAL_NAME "localhost"

static char const *env (char const *k)
{
  char const *x = getenv(k) ;
  return x && *x ? x : 0 ;
}

static int put (stralloc *sa, char const *name, char const *value)
{
  if (!value) return 1 ;
  return stralloc_cats(sa, name) && stralloc_0(sa) && stralloc_cats(sa, value) && stralloc_0(sa) ;
}

static char const *client_ip (void) { char const *x = env("TCPREMOTEIP") ; return x ? x : LOCAL_IP ; }

static char const *client_name (void)
{
  if (!env("TCPREMOTEIP")) return LOCAL_NAME ;
  return env("TCPREMOTEHOST") ;
}

/* "[ip]" for a client without a name, as Sendmail says it */
static int bracketed (stralloc *sa, char const *ip)
{
  sa->len = 0 ;
  return stralloc_catb(sa, "[", 1) && stralloc_cats(sa, ip) && stralloc_catb(sa, "]", 1) && stralloc_0(sa) ;
}

int bm_connect_info (stralloc *sa)
{
  char const *ip = client_ip() ;
  char const *name = client_name() ;
  char const *port = env("TCPREMOTEPORT") ;
  uint16_t p = 0 ;
  char pk[2] ;
  stralloc br = STRALLOC_ZERO ;
  int ok ;
  if (port && !uint160_scan(port, &p)) p = 0 ;
  pk[0] = p >> 8 ; pk[1] = p & 0xff ;
  if (!name && !bracketed(&br, ip)) return 0 ;
  sa->len = 0 ;
  ok = stralloc_cats(sa, name ? name : br.s) && stralloc_0(sa)
    && stralloc_catb(sa, strchr(ip, ':') ? "6" : "4", 1) && stralloc_catb(sa, pk, 2)
    && stralloc_cats(sa, ip) && stralloc_0(sa) ;
  stralloc_free(&br) ;
  return ok ;
}

/* "host" of "local@host", or nothing */
static char const *hostof (char const *addr)
{
  char const *at = addr ? strrchr(addr, '@') : 0 ;
  return at && at[1] ? at + 1 : 0 ;
}

int bm_macros (stralloc *sa, unsigned int stage, bm_tx const *t, char const *rcpt)
{
  char c = (char)(stage == SMFIM_CONNECT ? SMFIC_CONNECT : stage == SMFIM_HELO ? SMFIC_HELO
    : stage == SMFIM_ENVFROM ? SMFIC_MAIL : stage == SMFIM_ENVRCPT ? SMFIC_RCPT
    : stage == SMFIM_DATA ? SMFIC_DATA : stage == SMFIM_EOH ? SMFIC_EOH : SMFIC_BODYEOB) ;
  int local = !env("TCPREMOTEIP") ;
  sa->len = 0 ;
  if (!stralloc_catb(sa, &c, 1)) return 0 ;
  switch (stage)
  {
    case SMFIM_CONNECT :
    {
      stralloc u = STRALLOC_ZERO ;
      char const *name = client_name() ;
      int ok ;
      if (!stralloc_cats(&u, name ? name : "") || !stralloc_catb(&u, " [", 2) || !stralloc_cats(&u, client_ip())
       || !stralloc_catb(&u, "]", 1) || !stralloc_0(&u)) { stralloc_free(&u) ; return 0 ; }
      ok = put(sa, "j", t->me) && put(sa, "{daemon_name}", local ? "berth-inject" : "berth-smtpd")
        && put(sa, "v", "berth " BERTH_VERSION) && put(sa, "_", u.s)
        && put(sa, "{client_addr}", client_ip()) && put(sa, "{client_name}", name ? name : "unknown")
        && put(sa, "{client_ptr}", name ? name : "unknown")
        && put(sa, "{client_port}", env("TCPREMOTEPORT"))
        && put(sa, "{daemon_addr}", env("TCPLOCALIP")) && put(sa, "{if_addr}", env("TCPLOCALIP"))
        && put(sa, "{daemon_port}", env("TCPLOCALPORT")) && put(sa, "{if_name}", env("TCPLOCALHOST")) ;
      stralloc_free(&u) ;
      return ok ;
    }
    case SMFIM_HELO :
      return put(sa, "{tls_version}", env("SSL_PROTOCOL")) && put(sa, "{cipher}", env("SSL_CIPHER")) ;
    case SMFIM_ENVFROM :
      return put(sa, "i", t->txid) && put(sa, "{auth_type}", env("BERTH_AUTH_USER") ? env("BERTH_AUTH_TYPE") : 0)
        && put(sa, "{auth_authen}", env("BERTH_AUTH_USER"))
        && put(sa, "{mail_mailer}", local ? "local" : "esmtp") && put(sa, "{mail_host}", hostof(t->m->from.s))
        && put(sa, "{mail_addr}", t->m->from.s) ;
    case SMFIM_ENVRCPT :
      return put(sa, "{rcpt_mailer}", hostof(rcpt) ? "esmtp" : "local") && put(sa, "{rcpt_host}", hostof(rcpt))
        && put(sa, "{rcpt_addr}", rcpt) ;
    default :
      return put(sa, "i", t->txid) ;
  }
}
