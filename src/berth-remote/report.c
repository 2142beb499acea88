/* ISC license. */
/* berth-remote: the qmail-remote report on stdout: r/h/s per recipient, then K/Z/D,
   each NUL-terminated. Texts are one line, control bytes replaced, at most REPORT_TEXT_MAX.
   After the final record, berth's facts record (relay, TLS, times: doc/berth-remote.md), which
   a qmail-remote reader never reads. */

#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "remote.h"

static void facts_put (rreport const *rep, unsigned int n) ;

static int build (stralloc *sa, char const *const *parts, unsigned int n)
{
  sa->len = 0 ;
  for (unsigned int i = 0 ; i < n ; i++)
    for (char const *s = parts[i] ; *s ; s++)
    {
      char c = (unsigned char)*s < 32 || *s == 127 ? ' ' : *s ;
      if (sa->len >= REPORT_TEXT_MAX) return 1 ;
      if (!stralloc_catb(sa, &c, 1)) return 0 ;
    }
  return 1 ;
}

int remote_report_final (rreport *rep, char what, char const *const *parts, unsigned int n)
{
  rep->final = what ;
  return build(&rep->ftext, parts, n) ;
}

int remote_report_rcpt (rreport *rep, unsigned int i, char what, char const *const *parts, unsigned int n)
{
  rep->stat[i] = what ;
  return build(&rep->texts[i], parts, n) ;
}

/* final Z: "Connected to LABEL but WHY", then " Remote host said: ..." when said. Returns 0. */
int remote_report_but (rreport *rep, rconn *c, char const *why, int said)
{
  stralloc t = STRALLOC_ZERO ;
  char const *parts[5] = { "Connected to ", c->label, " but ", why, "" } ;
  if (said && stralloc_cats(&t, " Remote host said: ") && remote_conn_replytext(c, &t) && stralloc_0(&t)) parts[4] = t.s ;
  remote_report_final(rep, 'Z', parts, 5) ;
  stralloc_free(&t) ;
  return 0 ;
}

static void put (char c, char const *s, size_t len)
{
  if (buffer_put(buffer_1, &c, 1) < 0 || buffer_put(buffer_1, s, len) < 0 || buffer_put(buffer_1, "", 1) < 0)
    strerr_diefu1sys(111, "write to stdout") ;
}

void remote_report_write (rreport const *rep, unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++)
    if (rep->stat[i]) put(rep->stat[i], rep->texts[i].s, rep->texts[i].len) ;
  put(rep->final ? rep->final : 'Z', rep->ftext.s, rep->ftext.len) ;
  if (rep->facts.len && tai_sec(tain_secp(&rep->start))) facts_put(rep, n) ;
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
}

/* key and val[0..len) with every byte outside 0x21-0x7e, and `\`, `=` and `"`, as '?': a word
   that berth's log quoting rule (berth/logfield.h) leaves as it is */
static int facts_cat (stralloc *sa, char const *key, char const *val, size_t len)
{
  if (!stralloc_cats(sa, key)) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char u = val[i] ;
    char ch = u <= 32 || u >= 127 || u == '\\' || u == '=' || u == '"' ? '?' : val[i] ;
    if (!stralloc_catb(sa, &ch, 1)) return 0 ;
  }
  return 1 ;
}

int remote_facts_cat (stralloc *sa, rconn const *c)
{
  char const *name = c->relay ;
  char fmt[UINT16_FMT] ;
  size_t n = strlen(name) ;
  if (n > REPORT_FACTS_MAX / 2) n = REPORT_FACTS_MAX / 2 ;
  if (!facts_cat(sa, "relay=", name, n) || !facts_cat(sa, "[", c->ip, strlen(c->ip))
   || !facts_cat(sa, "]:", fmt, uint16_fmt(fmt, c->port))) return 0 ;
  if (c->tlstext.len)
  {  /* " TLS=V cipher=C verified=N" (tls.c) */
    static char const *const keys[3] = { " tls=", " cipher=", " verified=" } ;
    char const *s = c->tlstext.s ;
    for (unsigned int k = 0 ; k < 3 ; k++)
    {
      char const *v = strchr(s, '=') ;
      size_t vl ;
      if (!v) break ;
      v++ ;
      vl = strcspn(v, " ") ;
      if (!facts_cat(sa, keys[k], v, vl)) return 0 ;
      s = v + vl ;
    }
  }
  return 1 ;
}

int remote_report_relay (rreport *rep, rconn const *c, int mail)
{
  rep->facts.len = 0 ;
  if (!remote_facts_cat(&rep->facts, c)) return 0 ;
  if (mail) { tain_now_g() ; rep->mail = STAMP ; }
  else rep->mail = tain_zero ;
  rep->relayed = 0 ;
  return 1 ;
}

/* A job that failed for its destination rather than for its recipients (berth-send's polite
   delivery backs off such a destination): a temporary failure before MAIL on the session that
   decided (no connection, greeting, EHLO, STARTTLS, AUTH), a connection that died or timed out,
   or a 421 (RFC 5321 4.2.3: the server closes the channel) at any stage. */
static int site_down (rreport const *rep, unsigned int n)
{
  static char const *const marks[] = { " but it timed out ", " but connection died", "Remote host said: 421" } ;
  if (rep->final != 'Z') return 0 ;
  if (!tai_sec(tain_secp(&rep->mail))) return 1 ;
  for (unsigned int k = 0 ; k < sizeof marks / sizeof *marks ; k++)
  {
    size_t ml = strlen(marks[k]) ;
    if (rep->ftext.len >= ml && memmem(rep->ftext.s, rep->ftext.len, marks[k], ml)) return 1 ;
    for (unsigned int i = 0 ; k == 2 && i < n ; i++)
      if (rep->stat[i] == 's' && rep->texts[i].len >= ml && memmem(rep->texts[i].s, rep->texts[i].len, marks[k], ml)) return 1 ;
  }
  return 0 ;
}

static uint64_t ms_since (tain const *from)
{
  tain d ;
  tain_sub(&d, &STAMP, from) ;
  return tai_sec(tain_secp(&d)) * 1000 + tain_nano(&d) / 1000000 ;
}

/* the facts record: REPORT_FACTS, the relay and TLS fields, " dsn=relayed" when DSN was asked
   and the next hop does not offer it, " conn=MS xfer=MS" (MAIL's time since the job's start,
   and the rest until now), " site=down" for a destination failure, NUL. A qmail-remote reader
   stops at the final record before it. */
static void facts_put (rreport const *rep, unsigned int n)
{
  stralloc sa = STRALLOC_ZERO ;
  char fmt[UINT64_FMT] ;
  int mailed = !!tai_sec(tain_secp(&rep->mail)) ;
  uint64_t conn, all ;
  tain_now_g() ;
  all = ms_since(&rep->start) ;
  conn = mailed ? all - ms_since(&rep->mail) : all ;
  if (!stralloc_catb(&sa, rep->facts.s, rep->facts.len)
   || (rep->relayed && !stralloc_cats(&sa, " dsn=relayed"))
   || !stralloc_cats(&sa, " conn=") || !stralloc_catb(&sa, fmt, uint64_fmt(fmt, conn))
   || !stralloc_cats(&sa, " xfer=") || !stralloc_catb(&sa, fmt, uint64_fmt(fmt, all - conn))
   || (site_down(rep, n) && !stralloc_cats(&sa, " site=down")))
    strerr_diefu1sys(111, "build the facts record") ;
  put(REPORT_FACTS, sa.s, sa.len) ;
  stralloc_free(&sa) ;
}
