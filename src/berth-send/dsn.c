/* ISC license. */
/* berth-send and the DSN extension (RFC 3461; the parameters: doc/queue.md, "Envelope extension
   records"). Which results become records for berth-bounce: a failure unless the recipient's
   NOTIFY leaves FAILURE out; a success report ("delivered" for a local delivery, "relayed" when
   the next hop did not offer DSN: berth-remote's dsn=relayed fact) when NOTIFY asks for SUCCESS.
   And the parameters a remote job carries after \037 (doc/berth-start.md, "Spawn protocol").
   Trust: the parameters were checked by the queue and again when read (prep.c); the facts come
   from our spawner and are matched as words only. */

#include <string.h>
#include <skalibs/strerr.h>
#include <berth/envext.h>
#include "send.h"

#define TRIPLE_SENDER "#@[]"
#define FACT_DSN "dsn"
#define FACT_RELAYED "relayed"

unsigned int dsn_notify (ctx *c, uint32_t m, uint32_t r)
{
  char const *p = MSG(c, m)->data.s + RCPT(c, m, r)->params ;
  return envext_notify(p, strlen(p)) ;
}

/* NOTIFY absent: failures only (RFC 3461 4.1) */
static int wants (unsigned int notify, unsigned int bit)
{
  return notify ? !!(notify & bit) : bit == ENVEXT_NOTIFY_FAILURE ;
}

static int relayed (char const *facts, size_t flen)
{
  char const *v ;
  size_t vlen ;
  return envext_get(facts, flen, FACT_DSN, &v, &vlen) && vlen == sizeof(FACT_RELAYED) - 1 && !memcmp(v, FACT_RELAYED, vlen) ;
}

void dsn_result (ctx *c, unsigned int ch, uint32_t m, uint32_t r, dsn_res const *d)
{
  unsigned int notify = dsn_notify(c, m, r) ;
  char const *sender = MSG(c, m)->data.s ;
  if (d->code == RES_FAIL)
  {
    if (wants(notify, ENVEXT_NOTIFY_FAILURE)) bounce_append(c, m, r, BOUNCE_PERM, d->text, d->tlen) ;
  }
  else if (d->code != RES_OK && d->over)
  {
    stralloc t = STRALLOC_ZERO ;
    if (!wants(notify, ENVEXT_NOTIFY_FAILURE)) return ;
    if (!stralloc_catb(&t, d->text, d->tlen) || !stralloc_cats(&t, LIFETIME_TEXT)) strerr_diefu1sys(111, "allocate") ;
    bounce_append(c, m, r, BOUNCE_LIFETIME, t.s, t.len) ;
    stralloc_free(&t) ;
  }
  else if (d->code == RES_OK && (notify & ENVEXT_NOTIFY_SUCCESS) && *sender && strcmp(sender, TRIPLE_SENDER))
  {
    /* a success report goes to the sender as a bounce does, never to the null sender */
    if (ch == CHAN_LOCAL) bounce_append(c, m, r, DSN_REC_DELIVERED, d->text, d->tlen) ;
    else if (relayed(d->facts, d->flen)) bounce_append(c, m, r, DSN_REC_RELAYED, d->text, d->tlen) ;
  }
}

void dsn_job_word (stralloc *out, char const *word, char const *params)
{
  static char const sep = RES_FACTS_SEP ;
  if (!stralloc_cats(out, word) || (*params && (!stralloc_catb(out, &sep, 1) || !stralloc_cats(out, params)))
   || !stralloc_0(out)) strerr_diefu1sys(111, "allocate") ;
}
