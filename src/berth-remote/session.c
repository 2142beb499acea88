/* ISC license. */
/* berth-remote: one SMTP transaction on an open connection (RFC 5321, 2920, 1870, 6152, 6531,
   STARTTLS 3207, AUTH 4954, DSN 3461, REQUIRETLS 8689). Returns SESSION_NEXT when the next
   address should be tried (the reason is left in rep->final), SESSION_DONE when the report is
   decided, SESSION_PLAIN to retry this address in cleartext (a failed TLS handshake under
   policy "may"). With c->keep (berth-rspawn's child) a session whose final dot was answered is
   kept open instead of QUIT (c->reusable), and session_again runs the next transaction on it
   (doc/berth-rspawn.md). */

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include "remote.h"

#define CLASS(code) ((code) / 100)
#define OK2(code) (CLASS(code) == 2)
#define PERM(code) (CLASS(code) == 5)
#define DATA_GO 354

/* what + prefix + " Remote host said: " + reply */
static int said (rreport *rep, int rcpt, char what, rconn *c, char const *a, char const *b, char const *d)
{
  stralloc t = STRALLOC_ZERO ;
  int r ;
  char const *parts[6] ;
  if (!remote_conn_replytext(c, &t)) return 0 ;
  /* a final record over TLS ends with the TLS facts, kept whole under the length cap */
  if (rcpt < 0 && c->tlstext.len && t.len > REPORT_TEXT_MAX / 2) t.len = REPORT_TEXT_MAX / 2 ;
  if (!stralloc_0(&t)) return 0 ;
  parts[0] = a ; parts[1] = b ; parts[2] = d ; parts[3] = " Remote host said: " ; parts[4] = t.s ;
  parts[5] = rcpt < 0 && c->tlstext.len ? c->tlstext.s : "" ;
  r = rcpt >= 0 ? remote_report_rcpt(rep, rcpt, what, parts, 6) : remote_report_final(rep, what, parts, 6) ;
  stralloc_free(&t) ;
  return r ;
}

static int died (rreport *rep, rconn *c, char const *when)
{
  char const *parts[4] = { "Connected to ", c->label, errno == ETIMEDOUT ? " but it timed out " : " but connection died ", when } ;
  remote_report_final(rep, 'Z', parts, 4) ;
  return 0 ;
}

#define CODE_CLOSING 421            /* RFC 5321 4.2.3: the server is closing the channel */

void remote_session_quit (rconn *c)
{
  if (remote_conn_write(c, "QUIT\r\n", 6, TO_QUIT)) remote_conn_reply(c, TO_QUIT) ;
}

static void quit (rconn *c, rcfg const *cfg)
{
  (void)cfg ;
  remote_session_quit(c) ;
}

static int cmd (rconn *c, char const *verb, char const *addr, char const *params, unsigned int secs)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = stralloc_cats(&sa, verb) && stralloc_cats(&sa, addr) && stralloc_cats(&sa, ">")
       && stralloc_cats(&sa, params) && stralloc_catb(&sa, "\r\n", 2)
       && remote_conn_write(c, sa.s, sa.len, secs) ;
  stralloc_free(&sa) ;
  return r ;
}

static int hello (rconn *c, rcfg const *cfg, smtpc_caps *caps, rreport *rep)
{
  unsigned int code ;
  stralloc sa = STRALLOC_ZERO ;
  int ok = stralloc_cats(&sa, "EHLO ") && stralloc_cats(&sa, cfg->helohost) && stralloc_catb(&sa, "\r\n", 2)
        && remote_conn_write(c, sa.s, sa.len, TIMEOUT(cfg, TO_EHLO)) ;
  caps->flags = 0 ; caps->size = 0 ;
  code = ok ? remote_conn_reply(c, TIMEOUT(cfg, TO_EHLO)) : 0 ;
  if (code && OK2(code))
  {
    smtpc_ehlo_reply(caps, c->lines.s, c->lines.len) ;
    stralloc_free(&sa) ;
    return 1 ;
  }
  if (code)
  {  /* EHLO refused: HELO */
    sa.len = 0 ;
    ok = stralloc_cats(&sa, "HELO ") && stralloc_cats(&sa, cfg->helohost) && stralloc_catb(&sa, "\r\n", 2)
      && remote_conn_write(c, sa.s, sa.len, TIMEOUT(cfg, TO_EHLO)) ;
    code = ok ? remote_conn_reply(c, TIMEOUT(cfg, TO_EHLO)) : 0 ;
  }
  stralloc_free(&sa) ;
  if (!code) return died(rep, c, "after the greeting. (#4.4.2)") ;
  if (OK2(code)) return 1 ;
  said(rep, -1, PERM(code) ? 'D' : 'Z', c, "Connected to ", c->label, " but my name was rejected.") ;
  quit(c, cfg) ;
  return -1 ;
}

/* STARTTLS as control/tlspolicy says; then EHLO again. SESSION_GO: go on */
#define SESSION_GO (-1)
static int tls (rconn *c, rcfg const *cfg, smtpc_caps *caps, rreport *rep)
{
  int r ;
  if (c->notls || c->tlslevel == TLS_NONE) return SESSION_GO ;
  if (!(caps->flags & SMTPC_STARTTLS))
  {
    remote_tlsrpt_note(c, 0, 0, "starttls-not-supported", "no STARTTLS offered") ;
    if (c->reqtls) { quit(c, cfg) ; return remote_reqtls_fail(rep, c, "it does not offer STARTTLS", 0) ; }
    if (c->tlslevel == TLS_MAY) return (remote_mtasts_observe(c, c->host, "no STARTTLS offered"), SESSION_GO) ;
    quit(c, cfg) ;
    return remote_report_but(rep, c, c->sts ? "it does not offer STARTTLS: TLS required but not offered (MTA-STS policy, enforce). (#4.7.4)"
      : "it does not offer STARTTLS: TLS required but not offered (control/tlspolicy). (#4.7.4)", 0) ;
  }
  r = remote_starttls(c, cfg, rep) ;
  if (r == STLS_CLEAR) return SESSION_GO ;
  if (r == STLS_RETRY) return SESSION_PLAIN ;
  if (r == STLS_FAIL) { quit(c, cfg) ; return SESSION_NEXT ; }
  r = hello(c, cfg, caps, rep) ;   /* RFC 3207 4.2: forget everything, EHLO again */
  if (r > 0 && c->reqtls)
  {  /* RFC 8689 4.2.1: the peer must offer REQUIRETLS after STARTTLS */
    if (!(caps->flags & SMTPC_REQUIRETLS)) { quit(c, cfg) ; return remote_reqtls_fail(rep, c, "it does not offer REQUIRETLS after STARTTLS", 0) ; }
    c->reqok = 1 ;
  }
  return r > 0 ? SESSION_GO : r ? SESSION_DONE : SESSION_NEXT ;
}

static int refuse (rreport *rep, rconn *c, char const *why)
{
  char const *parts[4] = { "Connected to ", c->label, " but ", why } ;
  remote_report_final(rep, 'D', parts, 4) ;
  return 1 ;
}

static int transaction (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep, int again) ;

/* No recipient was accepted: nothing to send. */
static void nobody (rreport *rep, rconn *c)
{
  char const *parts[2] = { "Giving up on ", c->label } ;
  remote_report_final(rep, 'D', parts, 2) ;
}

/* DATA (already in the pipeline when pipelined), its 354, the dot-stuffed message.
   1: sent, the final reply is next; 0: the report is decided. */
static int send_data (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep, int pipelined, unsigned int accepted)
{
  unsigned int code ;
  if (!pipelined && accepted && !remote_conn_write(c, "DATA\r\n", 6, TIMEOUT(cfg, TO_DATA))) code = 0 ;
  else if (!pipelined && !accepted) code = 1 ;
  else code = remote_conn_reply(c, TIMEOUT(cfg, TO_DATA)) ;
  if (!accepted)
  {
    if (code == DATA_GO && remote_conn_write(c, ".\r\n", 3, TIMEOUT(cfg, TO_DATA))) remote_conn_reply(c, TIMEOUT(cfg, TO_DOT)) ;
    if (code) quit(c, cfg) ;
    nobody(rep, c) ;
    return 0 ;
  }
  if (!code) { died(rep, c, "after DATA. (#4.4.2)") ; return 0 ; }
  if (code != DATA_GO)
  {
    said(rep, -1, PERM(code) ? 'D' : 'Z', c, "", c->label, " failed on DATA command.") ;
    quit(c, cfg) ;
    return 0 ;
  }
  if (remote_message_send(c, m, TIMEOUT(cfg, TO_BLOCK)) <= 0) { died(rep, c, "while sending the message. (#4.4.2)") ; return 0 ; }
  return 1 ;
}

/* RFC 3030: the message in BDAT chunks, no DATA. 1: the last chunk is sent, its reply is
   next; 0: the report is decided. */
static int send_bdat (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep, unsigned int accepted)
{
  unsigned int code ;
  int r ;
  if (!accepted) { quit(c, cfg) ; nobody(rep, c) ; return 0 ; }
  r = remote_message_bdat(c, m, TIMEOUT(cfg, TO_BLOCK), &code) ;
  if (r <= 0) { died(rep, c, "while sending the message. (#4.4.2)") ; return 0 ; }
  if (code)
  {
    said(rep, -1, PERM(code) ? 'D' : 'Z', c, "", c->label, " failed on BDAT command.") ;
    quit(c, cfg) ;
    return 0 ;
  }
  return 1 ;
}

/* Postfix's second loop check: the last reply's first line names the peer ("220 NAME ...",
   "250 NAME"); our own helohost or me there means this host, reached by another address. */
static int greeted_me (rconn const *c, rcfg const *cfg)
{
  char const *w = c->lines.s ;
  size_t n ;
  if (!c->loopcheck || c->lines.len < 4) return 0 ;
  w += 4 ;
  n = strcspn(w, " ") ;
  return (n == strlen(cfg->helohost) && !strncasecmp(w, cfg->helohost, n))
      || (n == strlen(cfg->me) && !strncasecmp(w, cfg->me, n)) ;
}

#define LOOP_TEXT "it greeted me with my own name: mail loops back to myself. (#5.4.6)"

int remote_session (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep)
{
  smtpc_caps *caps = &c->caps ;
  unsigned int code ;
  int r ;

  code = remote_conn_reply(c, TIMEOUT(cfg, TO_GREETING)) ;
  if (!code) return died(rep, c, "before the greeting. (#4.4.2)") ;
  if (!OK2(code))
  {
    said(rep, -1, PERM(code) ? 'D' : 'Z', c, "Connected to ", c->label, " but greeting failed.") ;
    quit(c, cfg) ;
    return 0 ;
  }
  if (greeted_me(c, cfg)) { quit(c, cfg) ; return refuse(rep, c, LOOP_TEXT) ; }
  r = hello(c, cfg, caps, rep) ;
  if (!r) return 0 ;
  if (r < 0) return 1 ;
  if (greeted_me(c, cfg)) { quit(c, cfg) ; return refuse(rep, c, LOOP_TEXT) ; }
  r = tls(c, cfg, caps, rep) ;
  if (r != SESSION_GO) return r ;
  if (!remote_auth(c, cfg, rep, caps->flags)) { quit(c, cfg) ; return SESSION_NEXT ; }
  return transaction(c, cfg, m, rep, 0) ;
}

/* MAIL, RCPT, DATA and the message on a session past EHLO (and STARTTLS, AUTH). again: the
   connection was kept from a job before; if it is gone by MAIL (closed, timed out, 421), say
   SESSION_NEXT with nothing decided, and the caller connects again. */
static int transaction (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep, int again)
{
  smtpc_caps caps = c->caps ;
  stralloc params = STRALLOC_ZERO ;
  stralloc batch = STRALLOC_ZERO ;
  unsigned int code, accepted = 0 ;
  int r, pipelined, chunking, dsn = m->dsn && caps.flags & SMTPC_DSN ;
  c->reusable = 0 ;
  if (again && m->requiretls && !c->reqok) { quit(c, cfg) ; return SESSION_NEXT ; }   /* a new connection that meets it */
  if (m->needutf8 && !(caps.flags & SMTPC_SMTPUTF8))
  {
    quit(c, cfg) ;
    return refuse(rep, c, "it does not support SMTPUTF8, which this message's addresses need. (#5.6.7)") ;
  }
  if (caps.flags & SMTPC_SIZE && caps.size && m->wirelen > caps.size)
  {
    char fmt[UINT64_FMT] ;
    char const *parts[6] = { "Connected to ", c->label, " but the message is larger than its limit of ", fmt, " bytes.", " (#5.3.4)" } ;
    fmt[uint64_fmt(fmt, caps.size)] = 0 ;
    quit(c, cfg) ;
    remote_report_final(rep, 'D', parts, 6) ;
    return 1 ;
  }

  if (caps.flags & SMTPC_SIZE)
  {
    char fmt[UINT64_FMT] ;
    fmt[uint64_fmt(fmt, m->wirelen)] = 0 ;
    if (!stralloc_cats(&params, " SIZE=") || !stralloc_cats(&params, fmt)) goto nomem ;
  }
  /* RFC 6152: without 8BITMIME an 8-bit message is sent as it is, as qmail and most MTAs do */
  if (m->is8bit && caps.flags & SMTPC_8BITMIME && !stralloc_cats(&params, " BODY=8BITMIME")) goto nomem ;
  if (m->needutf8 && !stralloc_cats(&params, " SMTPUTF8")) goto nomem ;
  if (m->requiretls && !stralloc_cats(&params, " REQUIRETLS")) goto nomem ;   /* RFC 8689 4.2.1 */
  if (dsn && !stralloc_cats(&params, m->dsnmail)) goto nomem ;   /* RFC 3461: passed on as received */
  if (!stralloc_0(&params)) goto nomem ;

  if (!remote_report_relay(rep, c, 1)) goto nomem ;
  rep->relayed = m->dsn && !dsn ;   /* the next hop makes no DSN: "relayed" (RFC 3461 4.1) */
  pipelined = !!(caps.flags & SMTPC_PIPELINING) ;
  chunking = caps.flags & SMTPC_CHUNKING && !cfg->nochunking ;
  if (pipelined)
  {  /* RFC 2920: MAIL, every RCPT and DATA (not with BDAT) in one write */
    if (!stralloc_cats(&batch, "MAIL FROM:<") || !stralloc_cats(&batch, m->wsender)
     || !stralloc_cats(&batch, ">") || !stralloc_cats(&batch, params.s) || !stralloc_catb(&batch, "\r\n", 2)) goto nomem ;
    for (unsigned int i = 0 ; i < m->n ; i++)
      if (m->wrcpts[i] && (!stralloc_cats(&batch, "RCPT TO:<") || !stralloc_cats(&batch, m->wrcpts[i]) || !stralloc_catb(&batch, ">", 1)
       || !stralloc_cats(&batch, dsn ? m->dsnrcpt[i] : "") || !stralloc_catb(&batch, "\r\n", 2))) goto nomem ;
    if (!chunking && !stralloc_catb(&batch, "DATA\r\n", 6)) goto nomem ;
    if (!remote_conn_write(c, batch.s, batch.len, TIMEOUT(cfg, TO_MAIL))) { r = died(rep, c, "before MAIL was accepted. (#4.4.2)") ; goto end ; }
  }
  else if (!cmd(c, "MAIL FROM:<", m->wsender, params.s, TIMEOUT(cfg, TO_MAIL))) { r = died(rep, c, "before MAIL was accepted. (#4.4.2)") ; goto end ; }

  code = remote_conn_reply(c, TIMEOUT(cfg, TO_MAIL)) ;
  if (!code) { r = died(rep, c, "before MAIL was accepted. (#4.4.2)") ; goto end ; }
  if (again && code == CODE_CLOSING) { quit(c, cfg) ; r = SESSION_NEXT ; goto end ; }
  if (!OK2(code))
  {
    said(rep, -1, PERM(code) ? 'D' : 'Z', c, "Connected to ", c->label, " but sender was rejected.") ;
    quit(c, cfg) ;
    r = 1 ; goto end ;
  }

  for (unsigned int i = 0 ; i < m->n ; i++)
  {
    if (!m->wrcpts[i]) continue ;   /* refused before the session (remote_envelope_quote) */
    if (!pipelined && !cmd(c, "RCPT TO:<", m->wrcpts[i], dsn ? m->dsnrcpt[i] : "", TIMEOUT(cfg, TO_RCPT))) code = 0 ;
    else code = remote_conn_reply(c, TIMEOUT(cfg, TO_RCPT)) ;
    if (!code) { died(rep, c, "during RCPT. (#4.4.2)") ; r = 1 ; goto end ; }
    if (OK2(code)) { rep->stat[i] = 'r' ; accepted++ ; }
    else said(rep, i, PERM(code) ? 'h' : 's', c, "", c->label, " does not like recipient.") ;
  }

  if (!(chunking ? send_bdat(c, cfg, m, rep, accepted) : send_data(c, cfg, m, rep, pipelined, accepted))) { r = 1 ; goto end ; }
  code = remote_conn_reply(c, TIMEOUT(cfg, TO_DOT)) ;
  if (!code)
  {
    char const *parts[3] = { "Connected to ", c->label, " but connection died. Possible duplicate! (#4.4.2)" } ;
    remote_report_final(rep, 'Z', parts, 3) ;
    r = 1 ; goto end ;
  }
  if (OK2(code)) said(rep, -1, 'K', c, "", c->label, " accepted message.") ;
  else said(rep, -1, PERM(code) ? 'D' : 'Z', c, "", c->label, " failed after I sent the message.") ;
  if (c->keep && code != CODE_CLOSING) c->reusable = 1 ;   /* between transactions (RFC 5321 4.1.4) */
  else quit(c, cfg) ;
  r = 1 ;
 end:
  stralloc_free(&params) ;
  stralloc_free(&batch) ;
  return r ;
 nomem:
  {
    char const *parts[1] = { "out of memory (#4.3.0)" } ;
    remote_report_final(rep, 'Z', parts, 1) ;
  }
  r = 1 ;
  goto end ;
}

int remote_session_again (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep)
{
  return transaction(c, cfg, m, rep, 1) ;
}
