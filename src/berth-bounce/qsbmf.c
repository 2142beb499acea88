/* ISC license. */
/* qmail's bounce format (QSBMF), as qmail-send writes it, for admins and scripts that parse it. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/addrquote.h>
#include <berth/dsn.h>
#include "bounce.h"

/* An address on one line: no byte of it may start a new header line. */
static int addr (wout *w, stralloc *sa, char const *s)
{
  sa->len = 0 ;
  return dsn_clean(sa, s, strlen(s), 1) && wputsa(w, sa) ;
}

/* The same, in RFC 5322 form (quoted local part, as qmail's quote2 does) for an address field. */
static int qaddr (wout *w, stralloc *sa, char const *s)
{
  stralloc q = STRALLOC_ZERO ;
  int r = addr_quote(&q, s) && stralloc_0(&q) && addr(w, sa, q.s) ;
  stralloc_free(&q) ;
  return r ;
}

int compose_qsbmf (wout *w, bounce const *x)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = wputs(w, "Date: ") && wdate(w, x->now)
   && wputs(w, "\nFrom: ") && addr(w, &sa, x->from) && wputs(w, "@") && addr(w, &sa, x->bouncehost)
   && wputs(w, "\nTo: ") && qaddr(w, &sa, x->rcpt)
   && wputs(w, "\nSubject: failure notice\n\nHi. This is the qmail-send program at ") && wputs(w, x->bouncehost)
   && wputs(w, x->dbl
     ? ".\nI tried to deliver a bounce message to this address, but the bounce bounced!\n\n"
     : ".\nI'm afraid I wasn't able to deliver your message to the following addresses.\n"
       "This is a permanent error; I've given up. Sorry it didn't work out.\n\n") ;
  for (size_t i = 0 ; r && i < x->n ; i++)
  {
    dsn_rcpt const *p = x->r + i ;
    stralloc v = STRALLOC_ZERO ;
    sa.len = 0 ;
    r = stralloc_catb(&v, "<", 1) && dsn_clean(&v, x->recs + p->addr, p->addrlen, 1) && stralloc_catb(&v, ">:", 2)
     && dsn_fold(&sa, "", v.s, v.len, "", DSN_LINE_MAX)
     && (v.len = 0, dsn_clean(&v, x->recs + p->text, p->textlen, 1))
     && dsn_fold(&sa, "", v.s, v.len, "", DSN_LINE_MAX)
     && stralloc_catb(&sa, "\n", 1) && wputsa(w, &sa) ;
    stralloc_free(&v) ;
  }
  if (!r) { stralloc_free(&sa) ; return 0 ; }
  if (!wputs(w, x->dbl ? "--- Below this line is the original bounce.\n\n" : "--- Below this line is a copy of the message.\n\n")
   || !wputs(w, "Return-Path: <") || !addr(w, &sa, x->sender) || !wputs(w, ">\n")) { stralloc_free(&sa) ; return 0 ; }
  stralloc_free(&sa) ;
  return x->messfd < 0 || original_copy(w, x) ;
}
