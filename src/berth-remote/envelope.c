/* ISC license. */
/* berth-remote: the envelope as written in MAIL FROM and RCPT TO, each address re-quoted in
   RFC 5321's form (addr_quote_smtp), so that the next hop reads back the very address queued:
   a quoted local part such as "victim> ORCPT=rfc822;x"@example stays one address there.
   Trust: the sender and recipients come from the queue: any injector, any peer. */

#include <errno.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/addrquote.h>
#include "remote.h"

/* at most twice the bytes plus the quotes, the NUL and a spare */
#define QUOTED_MAX(len) (2 * (len) + 4)

static int put (stralloc *store, char const *addr, char const **w)
{
  size_t start = store->len ;
  *w = 0 ;
  if (!addr_quote_smtp(store, addr)) return errno == EINVAL ;
  if (!stralloc_0(store)) return 0 ;
  *w = store->s + start ;
  return 1 ;
}

int remote_envelope_quote (rmsg *m, stralloc *store, char const **wrcpts)
{
  size_t total = QUOTED_MAX(strlen(m->sender)) ;
  for (unsigned int i = 0 ; i < m->n ; i++) total += QUOTED_MAX(strlen(m->rcpts[i])) ;
  /* room for all at once: the pointers into store stay valid */
  store->len = 0 ;
  if (!stralloc_ready(store, total)) return 0 ;
  if (!put(store, m->sender, &m->wsender)) return 0 ;
  for (unsigned int i = 0 ; i < m->n ; i++)
    if (!put(store, m->rcpts[i], &wrcpts[i])) return 0 ;
  m->wrcpts = wrcpts ;
  return 1 ;
}

/* A recipient that cannot be written fails for good, alone: h, never sent mangled. Returns
   how many can be written; the others' stat is set, the rest cleared (a new try). */
unsigned int remote_envelope_mark (rmsg const *m, rreport *rep)
{
  static char const *const why[1] = { "Sorry, this recipient address cannot be written in SMTP: it holds a control byte, or a byte that ends an address in its domain. (#5.1.3)" } ;
  unsigned int ok = 0 ;
  for (unsigned int i = 0 ; i < m->n ; i++)
  {
    if (m->wrcpts[i]) { rep->stat[i] = 0 ; ok++ ; }
    else if (!remote_report_rcpt(rep, i, 'h', why, 1)) rep->stat[i] = 'h' ;
  }
  return ok ;
}
