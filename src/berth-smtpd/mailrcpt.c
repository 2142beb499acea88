/* ISC license. */
/* MAIL and RCPT: path and parameter parsing, then qmail's policy (badmailfrom, rcpthosts,
   morercpthosts.cdb, RELAYCLIENT, localiphost), checked on the address as delivery reads it,
   then the recipient check for local addresses (rcptcheck.c).
   Trust: arguments are the peer's. Relaying opens only through RELAYCLIENT, AUTH or rcpthosts. */

#include <errno.h>
#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <berth/smtpaddr.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

#define POSTMASTER "postmaster"

/* "FROM:" or "TO:", then optional spaces (tolerated, as qmail does), then the path. */
static ssize_t prefix (char const *arg, size_t len, char const *kw)
{
  size_t n = strlen(kw) ;
  if (len < n || case_diffb(arg, n, kw)) return -1 ;
  while (n < len && arg[n] == ' ') n++ ;
  return n ;
}

/* Parses "<path> params"; replies and returns 0 on error. */
static int path_params (smtpd *s, stralloc *sa, smtpaddr *a, smtpparam *p, char const *arg, size_t len, unsigned int verb, char const *badsyntax)
{
  ssize_t r = smtpaddr_parse(sa, a, arg, len) ;
  if (r < 0) smtpd_drop(s, RP_NOMEM, "nomem") ;
  if (!r) { smtpd_reply(s, errno == ENAMETOOLONG ? RP_ADDR_TOO_LONG : badsyntax) ; return 0 ; }
  if ((size_t)r < len && arg[r] != ' ') { smtpd_reply(s, badsyntax) ; return 0 ; }
  switch (smtpparam_parse(p, arg + r, len - r, verb))
  {
    case SMTPPARAM_OK : break ;
    case SMTPPARAM_UNKNOWN : smtpd_reply(s, RP_PARAM_UNKNOWN) ; return 0 ;
    default : smtpd_reply(s, RP_PARAM_SYNTAX) ; return 0 ;
  }
  if ((s->helomode != HELO_EHLO && (p->hassize || p->smtputf8 || p->body || p->dsn || p->requiretls))
   || (p->dsn && !s->envext) || (p->requiretls && !(s->envext && s->tls)))
  {
    smtpd_reply(s, RP_PARAM_UNKNOWN) ;
    return 0 ;
  }
  if (verb == SMTPPARAM_MAIL && (!stralloc_copyb(&s->mailparams, arg + r, len - r) || !stralloc_0(&s->mailparams)))
    smtpd_drop(s, RP_NOMEM, "nomem") ;
  return 1 ;
}

static void refuse (smtpd *s, char const *reply, char const *reason)
{
  smtpd_reply(s, reply) ;
  smtpd_log_tx(s, "refused", 0, 0, reason) ;
}

void smtpd_mail (smtpd *s, char const *arg, size_t len)
{
  smtpaddr a = SMTPADDR_ZERO ;
  smtpparam p = SMTPPARAM_ZERO ;
  ssize_t n ;
  if (s->helomode == HELO_NONE) { smtpd_reply(s, RP_NEED_HELO) ; return ; }
  if (s->hasmail) { smtpd_reply(s, RP_NESTED_MAIL) ; return ; }
  if (s->requiretls && !s->tls) { refuse(s, RP_NEED_TLS, "tls-required") ; return ; }
  if (s->requireauth && !s->authed) { refuse(s, RP_NEED_AUTH, "auth-required") ; return ; }
  n = prefix(arg, len, "FROM:") ;
  if (n < 0) { smtpd_reply(s, RP_MAIL_SYNTAX) ; return ; }
  if (!path_params(s, &s->mailfrom, &a, &p, arg + n, len - n, SMTPPARAM_MAIL, RP_SENDER_SYNTAX)) return ;
  if (a.flags & SMTPADDR_NODOMAIN) { smtpd_reply(s, RP_NEED_DOMAIN) ; return ; }
  if ((a.flags & SMTPADDR_8BIT) && !p.smtputf8) { smtpd_reply(s, RP_NEED_UTF8) ; return ; }
  if (p.hassize && s->databytes && p.size > s->databytes)
  {
    smtpd_reply(s, RP_SIZE) ;
    smtpd_log_tx(s, "refused", 0, p.size, "size") ;
    return ;
  }
  s->mparam = p ;
  s->mparams.len = 0 ;
  if (!smtpparam_ext(&s->mparams, &p, SMTPPARAM_MAIL) || !stralloc_0(&s->mparams)) smtpd_drop(s, RP_NOMEM, "nomem") ;
  s->hasmail = 1 ;
  s->rcpts.len = 0 ;
  s->rparams.len = 0 ;
  s->nrcpt = 0 ;
  /* a transaction in clear: TLS is declined, so berth-tlsd's engine child exits now */
  if (!s->tls) smtpd_tls_decline(s) ;
  smtpd_reply(s, RP_MAIL_OK) ;
}

void smtpd_rcpt (smtpd *s, char const *arg, size_t len)
{
  /* AUTH relays like RELAYCLIENT="" (an admin's RELAYCLIENT value is kept); STARTTLS clears it */
  char const *relayclient = s->relayclient ? s->relayclient : s->authed ? "" : 0 ;
  smtpaddr a = SMTPADDR_ZERO ;
  smtpparam p = SMTPPARAM_ZERO ;
  stralloc *addr = &s->tmp ;
  ssize_t n ;
  if (!s->hasmail) { smtpd_reply(s, RP_NEED_MAIL) ; return ; }
  if (s->bdat) { smtpd_reply(s, RP_RCPT_AFTER_BDAT) ; return ; }
  n = prefix(arg, len, "TO:") ;
  if (n < 0) { smtpd_reply(s, RP_RCPT_SYNTAX) ; return ; }
  if (!path_params(s, addr, &a, &p, arg + n, len - n, SMTPPARAM_RCPT, RP_RCPT_ADDR_SYNTAX)) return ;
  if (a.flags & SMTPADDR_NULL) { smtpd_reply(s, RP_RCPT_ADDR_SYNTAX) ; return ; }
  if (s->nrcpt >= SMTPD_RCPT_MAX) { smtpd_reply(s, RP_TOO_MANY_RCPTS) ; return ; }
  if ((a.flags & SMTPADDR_8BIT) && !s->mparam.smtputf8) { smtpd_reply(s, RP_NEED_UTF8) ; return ; }
  if (p.orcpt8 && !s->mparam.smtputf8) { smtpd_reply(s, RP_PARAM_SYNTAX) ; return ; }   /* RFC 6533 3: unitext only under SMTPUTF8 */
  if (a.flags & SMTPADDR_NODOMAIN)
  {
    /* RFC 5321 4.5.1: <postmaster> always reaches the postmaster, whoever asks. */
    if (addr->len != sizeof(POSTMASTER) - 1 || case_diffb(addr->s, addr->len, POSTMASTER) || (a.flags & SMTPADDR_QUOTED))
    {
      smtpd_reply(s, RP_NEED_DOMAIN) ;
      return ;
    }
  }
  else
  {
    if (smtpd_badmailfrom(s, s->mailfrom.s, s->mailfrom.len)) { refuse(s, RP_BADMAILFROM, "badmailfrom") ; return ; }
    if (!relayclient)
    {
      /* Delivery would route on %, ! or an @ inside the local part: never for a stranger. */
      if (a.flags & SMTPADDR_SPECIAL) { refuse(s, RP_ROUTING, "routing-characters") ; return ; }
      if ((a.flags & SMTPADDR_LITERAL) && smtpd_literal_local(s, addr->s + a.at + 1, addr->len - a.at - 1))
      {
        addr->len = a.at + 1 ;
        if (!stralloc_catb(addr, s->localiphost.s, s->localiphost.len)) smtpd_drop(s, RP_NOMEM, "nomem") ;
      }
      if (!smtpd_rcpthosts(s, addr->s + a.at + 1, addr->len - a.at - 1)) { refuse(s, RP_RCPTHOSTS, "rcpthosts") ; return ; }
      if (!smtpd_rcptcheck(s, addr->s, addr->len)) return ;
    }
  }
  if (!stralloc_catb(&s->rcpts, addr->s, addr->len)
   || (relayclient && !stralloc_cats(&s->rcpts, relayclient))
   || !stralloc_0(&s->rcpts)
   || !smtpparam_ext(&s->rparams, &p, SMTPPARAM_RCPT) || !stralloc_0(&s->rparams)) smtpd_drop(s, RP_NOMEM, "nomem") ;
  s->nrcpt++ ;
  smtpd_reply(s, RP_RCPT_OK) ;
}
