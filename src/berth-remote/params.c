/* ISC license. */
/* berth-remote: what the envelope asks of this delivery (doc/berth-remote.md, "DSN and
   REQUIRETLS"). BERTH_MAILPARAMS holds the envelope's E record's parameters, BERTH_RCPTPARAMS
   one line per argv recipient with its R record's (doc/queue.md, "Envelope extension records"):
   space-separated KEY or KEY=VALUE words. REQUIRETLS is kept as a flag; DSN's RET, ENVID,
   NOTIFY and ORCPT are kept as the words to send to a peer that offers DSN, each checked again
   (RFC 3461 4, RFC 6533 3, by berth/envext.h as the queue checks its records); a malformed one
   is dropped and logged, never sent. Other keys are ignored. Also the message's "TLS-Required: No" header field (RFC 8689 5).
   Trust: the parameters come from the queue, which checked their syntax; the header is the
   sender's. Nothing here trusts either. */

#include <string.h>
#include <strings.h>
#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/envext.h>
#include "remote.h"

/* each value checked as berth's queue checks it (berth/envext.h) */
static int ret_ok (char const *s, size_t len)
{
  char w[sizeof "RET=HDRS"] = "RET=" ;
  if (len > sizeof w - 5) return 0 ;
  memcpy(w + 4, s, len) ;
  return envext_ret(w, 4 + len) != ENVEXT_RET_NONE ;
}

static int notify_ok (char const *s, size_t len)
{
  unsigned int bits ;
  return envext_notify_scan(s, len, &bits) ;
}

static int word_is (char const *s, size_t len, char const *w)
{
  return len == strlen(w) && !strncasecmp(s, w, len) ;
}

typedef struct key_s key ;
struct key_s
{
  char const *name ;
  int (*ok) (char const *, size_t) ;
} ;

static key const mailkeys[] = { { "RET", &ret_ok }, { "ENVID", &envext_envid_ok } } ;
static key const rcptkeys[] = { { "NOTIFY", &notify_ok }, { "ORCPT", &envext_orcpt_ok } } ;

/* the words of s[0..len) whose key is in keys, checked, appended to sa as " KEY=VALUE";
   REQUIRETLS sets *reqtls when given; *dsn set when a DSN word was kept */
static int scan (stralloc *sa, char const *s, size_t len, key const *keys, int *reqtls, int *dsn, char const *var)
{
  if (!envext_ok(s, len)) { strerr_warnw(var, ": not an extension record's parameters, ignored") ; return 1 ; }
  for (size_t i = 0 ; i < len ; )
  {
    size_t e = i + byte_chr(s + i, len - i, ' ') ;
    size_t k = byte_chr(s + i, e - i, '=') ;
    if (reqtls && word_is(s + i, e - i, "REQUIRETLS")) *reqtls = 1 ;
    for (unsigned int j = 0 ; j < 2 ; j++)
    {
      if (!word_is(s + i, k, keys[j].name)) continue ;
      if (k < e - i && (*keys[j].ok)(s + i + k + 1, e - i - k - 1))
      {
        if (!stralloc_catb(sa, " ", 1) || !stralloc_catb(sa, s + i, e - i)) return 0 ;
        *dsn = 1 ;
      }
      else strerr_warnw(var, ": a malformed ", keys[j].name, ", not passed on") ;
    }
    i = e + 1 ;
  }
  return 1 ;
}

int remote_params_read (rmsg *m, stralloc *store, char const **rcpt, char const *mailp, char const *rcptp)
{
  char const *p ;
  m->requiretls = m->dsn = 0 ;
  store->len = 0 ;
  if (!scan(store, mailp ? mailp : "", mailp ? strlen(mailp) : 0, mailkeys, &m->requiretls, &m->dsn, "BERTH_MAILPARAMS")
   || !stralloc_0(store)) return 0 ;
  for (unsigned int i = 0 ; i < m->n ; i++)
  {  /* line i is recipient i's; missing lines: none */
    size_t len = rcptp ? strcspn(rcptp, "\n") : 0 ;
    if (rcptp && !scan(store, rcptp, len, rcptkeys, 0, &m->dsn, "BERTH_RCPTPARAMS")) return 0 ;
    if (!stralloc_0(store)) return 0 ;
    if (rcptp) rcptp = rcptp[len] ? rcptp + len + 1 : 0 ;
  }
  /* store: the MAIL words, then each recipient's, each NUL-terminated */
  m->dsnmail = store->s ;
  p = store->s + strlen(store->s) + 1 ;
  for (unsigned int i = 0 ; i < m->n ; i++) { rcpt[i] = p ; p += strlen(p) + 1 ; }
  m->dsnrcpt = rcpt ;
  return 1 ;
}

/* The header, byte by byte: a field named TLS-Required (any case) whose value, without its
   white space and folding, is "No" (any case). The header ends at the first empty line. */
#define HS_BOL 0U                 /* at a line's start */
#define HS_NAME 1U                /* matching the field name, k bytes so far */
#define HS_SKIP 2U                /* in a line of no interest */
#define HS_VALUE 3U               /* in the field's value */
#define HS_VBOL 4U                /* at a line's start after the value: folded, or the field's end */
#define HS_DONE 5U                /* past the header */
#define TLSREQ_NAME "tls-required:"

static void field_end (rhdr *h)
{
  if (h->vlen == 2 && !strncasecmp(h->val, "no", 2)) h->no = 1 ;
}

static void hdr_byte (rhdr *h, char c)
{
  if (c == '\r') return ;   /* stored with LF line ends; a CR changes nothing here */
  if (h->state == HS_VBOL)
  {
    if (c == ' ' || c == '\t') { h->state = HS_VALUE ; return ; }
    field_end(h) ;
    h->state = HS_BOL ;
  }
  switch (h->state)
  {
    case HS_BOL :
      if (c == '\n') { h->state = HS_DONE ; break ; }
      h->k = 0 ;
      h->state = HS_NAME ;
      /* fall through */
    case HS_NAME :
      if (c == '\n') h->state = HS_BOL ;
      else if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != TLSREQ_NAME[h->k]) h->state = HS_SKIP ;
      else if (!TLSREQ_NAME[++h->k]) { h->state = HS_VALUE ; h->vlen = 0 ; }
      break ;
    case HS_SKIP :
      if (c == '\n') h->state = HS_BOL ;
      break ;
    case HS_VALUE :
      if (c == '\n') h->state = HS_VBOL ;
      else if (c != ' ' && c != '\t')
      {
        if (h->vlen < sizeof h->val) h->val[h->vlen] = c ;
        if (h->vlen <= sizeof h->val) h->vlen++ ;
      }
      break ;
    default : break ;
  }
}

void remote_hdr_feed (rhdr *h, char const *s, size_t len)
{
  for (size_t i = 0 ; i < len && h->state != HS_DONE ; i++) hdr_byte(h, s[i]) ;
}

int remote_hdr_end (rhdr *h)
{
  if (h->state == HS_VALUE || h->state == HS_VBOL) field_end(h) ;
  h->state = HS_DONE ;
  return h->no ;
}
