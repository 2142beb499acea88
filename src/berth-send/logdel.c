/* ISC license. */
/* The one log line per delivery attempt (doc/berth-send.md, "Log"): id, recipient, channel, relay,
   try, delay and its split, DSN code, status and the deliverer's text, plus the facts a spawner
   sent after the text (the spawn protocol's facts, doc/berth-start.md). Trust: the facts come
   from our spawners but carry a remote host's names: they are split into key=value tokens and
   each value is logged under the one quoting rule; unknown keys are dropped. */

#include <string.h>
#include <skalibs/types.h>
#include <berth/dsn.h>
#include "send.h"

/* the keys a spawner's facts may carry into the line, in the line's order */
static char const *const factkeys[] = { "tls", "cipher", "verified" } ;
#define NFACTKEYS (sizeof factkeys / sizeof *factkeys)

/* the value of key in facts[0..len) ("k=v k=v"), or 0 */
static char const *fact (char const *facts, size_t len, char const *key, size_t *vlen)
{
  size_t klen = strlen(key) ;
  size_t i = 0 ;
  while (i < len)
  {
    size_t e = i ;
    while (e < len && facts[e] != ' ') e++ ;
    if (e - i > klen && !memcmp(facts + i, key, klen) && facts[i + klen] == '=')
    {
      *vlen = e - i - klen - 1 ;
      return facts + i + klen + 1 ;
    }
    i = e + 1 ;
  }
  return 0 ;
}

static uint64_t fact_ms (char const *facts, size_t len, char const *key)
{
  size_t vlen ;
  char const *v = fact(facts, len, key, &vlen) ;
  uint64_t u = 0 ;
  if (!v) return 0 ;
  for (size_t i = 0 ; i < vlen && v[i] >= '0' && v[i] <= '9' && u < ((uint64_t)1 << 40) ; i++) u = u * 10 + (v[i] - '0') ;
  return u ;
}

static char dsn_class (char const *status)
{
  return !strcmp(status, "sent") ? '2' : !strcmp(status, "deferred") ? '4' : '5' ;
}

void log_delivery (ctx *c, unsigned int ch, uint32_t m, uint32_t r, uint64_t start, logres const *res)
{
  msg *x = MSG(c, m) ;
  rcpt *rc = RCPT(c, m, r) ;
  uint64_t queued = start > x->birth ? start - x->birth : 0 ;
  uint64_t job = c->now > start ? c->now - start : 0 ;
  uint64_t xfer = ch == CHAN_REMOTE && res->flen ? fact_ms(res->facts, res->flen, "xfer") : job ;
  char dsn[DSN_STATUS_MAX + 1] ;
  char delays[3 * LOG_DELAY_FMT] ;
  size_t n, vlen ;
  char const *v ;
  if (xfer > job) xfer = job ;
  n = log_fmtdelay(delays, queued) ;
  delays[n++] = '/' ;
  n += log_fmtdelay(delays + n, job - xfer) ;
  delays[n++] = '/' ;
  n += log_fmtdelay(delays + n, xfer) ;
  dsn_status(dsn, res->text, res->tlen) ;
  dsn[0] = dsn_class(res->status) ;
  log_start() ;
  log_key("event", "delivery") ; log_key("id", x->id) ; log_key("rcpt", x->data.s + rc->addr) ;
  log_key("chan", c->ch[ch].name) ;
  if (ch == CHAN_LOCAL) log_key("relay", "local") ;
  else if ((v = fact(res->facts, res->flen, "relay", &vlen))) log_keyb("relay", v, vlen) ;
  else log_key("relay", "none") ;
  log_keyu("try", rc->tries) ;
  log_keydelay("delay", c->now - x->birth) ;
  log_keyb("delays", delays, n) ;
  log_key("dsn", dsn) ;
  log_key("status", res->status) ;
  for (size_t k = 0 ; k < NFACTKEYS ; k++)
    if ((v = fact(res->facts, res->flen, factkeys[k], &vlen))) log_keyb(factkeys[k], v, vlen) ;
  log_keyq("text", res->text, res->tlen) ;
  log_end() ;
}
