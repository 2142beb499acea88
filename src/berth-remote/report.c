/* ISC license. */
/* berth-remote: the qmail-remote report on stdout: r/h/s per recipient, then K/Z/D,
   each NUL-terminated. Texts are one line, control bytes replaced, at most REPORT_TEXT_MAX. */

#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "remote.h"

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
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
}
