/* ISC license. */
/* One milter's conversation for one message, as an MTA holds it (protocol version 6): option
   negotiation, then the SMTP transaction replayed from what the caller gave (connect, HELO,
   MAIL with its ESMTP parameters from BERTH_MAIL_PARAMS, each RCPT, DATA), the header fields,
   the body in CRLF chunks, the end of the message; each step with its macros, each left out or
   left unanswered as the milter asked. A reject, tempfail or discard at any step is the
   message's verdict (the SMTP client hears it at the end of DATA). The changes the milter sends
   at the end are kept, raw, in mods, for bm_apply once the milter has said accept or continue.
   Trust: every reply is checked (milter_reply_scan) and must be one the step allows, and a
   change needs the action the milter negotiated; anything else is BM_FAILED. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/uint32.h>
#include <berth/milter.h>
#include "bm.h"

#define OTHER_STEP 0
#define BODY_STEP 1   /* SKIP allowed */
#define NO_MACROS ((unsigned int)-1)   /* a step without a macro stage (header fields, body) */

/* one reply to a step: BM_CONTINUE, a verdict, BM_FAILED; -1 for SKIP (body only), -2 ACCEPT */
static int answer (bm_conn *c, unsigned int secs, int body, stralloc *reply)
{
  for (;;)
  {
    milter_reply r ;
    if (!bm_recv(c, secs) || !milter_reply_scan(c->in.s[0], c->in.s + 1, c->in.len - 1, &r)) return BM_FAILED ;
    switch (r.cmd)
    {
      case SMFIR_PROGRESS : continue ;
      case SMFIR_CONTINUE : return BM_CONTINUE ;
      case SMFIR_ACCEPT : return -2 ;
      case SMFIR_SKIP : return body ? -1 : BM_FAILED ;
      case SMFIR_REJECT : return BM_REJECT ;
      case SMFIR_TEMPFAIL : return BM_TEMPFAIL ;
      case SMFIR_DISCARD : return BM_DISCARD ;
      case SMFIR_REPLYCODE :
        if (!stralloc_copyb(reply, r.a, r.alen)) return BM_FAILED ;
        return r.a[0] == '5' ? BM_REJECT : BM_TEMPFAIL ;
      default : return BM_FAILED ;
    }
  }
}

/* macros (if any), then the command, in one write; its reply unless the milter said it needs
   none */
static int step (bm_conn *c, bm_tx const *t, unsigned int stage, char const *rcpt, char cmd, char const *const *v, size_t const *len, unsigned int n, uint32_t nr, unsigned int secs, int body, stralloc *reply)
{
  if (stage != NO_MACROS)
  {
    stralloc mac = STRALLOC_ZERO ;
    char const *mv[1] ;
    size_t ml[1] ;
    int ok = bm_macros(&mac, stage, t, rcpt) ;
    mv[0] = mac.s ; ml[0] = mac.len ;
    ok = ok && (mac.len == 1 || bm_queuev(c, SMFIC_MACRO, mv, ml, 1)) ;
    stralloc_free(&mac) ;
    if (!ok) return BM_FAILED ;
  }
  /* no answer awaited: the packet waits for the next step that needs one, and goes with it */
  if (c->protocol & nr) return bm_queuev(c, cmd, v, len, n) ? BM_CONTINUE : BM_FAILED ;
  if (!bm_sendv(c, cmd, v, len, n, secs)) return BM_FAILED ;
  return answer(c, secs, body, reply) ;
}

static int optneg (bm_conn *c)
{
  char o[12] ;
  milter_reply r ;
  uint32_pack_big(o, MILTER_VERSION) ;
  uint32_pack_big(o + 4, MILTER_ACTIONS) ;
  uint32_pack_big(o + 8, MILTER_PROTOCOL) ;
  if (!bm_send(c, SMFIC_OPTNEG, o, 12, c->conf->tcommand) || !bm_recv(c, c->conf->tcommand)) return 0 ;
  if (c->in.s[0] != SMFIR_OPTNEG || !milter_reply_scan(c->in.s[0], c->in.s + 1, c->in.len - 1, &r)) return 0 ;
  if (r.version < 2 || r.version > MILTER_VERSION) return 0 ;
  if ((r.actions & ~MILTER_ACTIONS) || (r.protocol & ~MILTER_PROTOCOL)) return 0 ;   /* asks for what was not offered */
  c->actions = r.actions ;
  c->protocol = r.protocol ;
  return 1 ;
}

/* the envelope steps: MAIL with its ESMTP parameters, each RCPT, DATA */
static int envelope (bm_conn *c, bm_tx const *t, stralloc *reply)
{
  stralloc a = STRALLOC_ZERO ;
  char const *params = getenv("BERTH_MAIL_PARAMS") ;
  size_t i = 0 ;
  int r = BM_CONTINUE ;
  if (!(c->protocol & SMFIP_NOMAIL))
  {
    char const *v[1] ;
    size_t len[1] ;
    if (!stralloc_catb(&a, "<", 1) || !stralloc_cats(&a, t->m->from.s) || !stralloc_catb(&a, ">", 2)) { r = BM_FAILED ; goto end ; }
    /* the parameters, one NUL-terminated string each */
    while (params && *params)
    {
      size_t n = strcspn(params, " ") ;
      if (n && (!stralloc_catb(&a, params, n) || !stralloc_0(&a))) { r = BM_FAILED ; goto end ; }
      params += n ; params += strspn(params, " ") ;
    }
    v[0] = a.s ; len[0] = a.len ;
    r = step(c, t, SMFIM_ENVFROM, 0, SMFIC_MAIL, v, len, 1, SMFIP_NR_MAIL, c->conf->tcommand, OTHER_STEP, reply) ;
    if (r) goto end ;
  }
  for (; !(c->protocol & SMFIP_NORCPT) && i < t->m->rcpts.len ; i += strlen(t->m->rcpts.s + i) + 1)
  {
    char const *v[1] ;
    size_t len[1] ;
    a.len = 0 ;
    if (!stralloc_catb(&a, "<", 1) || !stralloc_cats(&a, t->m->rcpts.s + i) || !stralloc_catb(&a, ">", 2)) { r = BM_FAILED ; goto end ; }
    v[0] = a.s ; len[0] = a.len ;
    r = step(c, t, SMFIM_ENVRCPT, t->m->rcpts.s + i, SMFIC_RCPT, v, len, 1, SMFIP_NR_RCPT, c->conf->tcommand, OTHER_STEP, reply) ;
    if (r) goto end ;
  }
  if (!(c->protocol & SMFIP_NODATA))
    r = step(c, t, SMFIM_DATA, 0, SMFIC_DATA, 0, 0, 0, SMFIP_NR_DATA, c->conf->tcommand, OTHER_STEP, reply) ;
 end:
  stralloc_free(&a) ;
  return r ;
}

/* each header field: its name, and its value (after one leading space unless the milter asked
   for it, without the last line end; folds stay, as LF) */
static int headers (bm_conn *c, bm_tx const *t, stralloc *reply)
{
  size_t i = 0, n = BM_NFIELDS(t->m) ;
  if (c->protocol & SMFIP_NOHDRS) return BM_CONTINUE ;
  for (; i < n ; i++)
  {
    stralloc const *f = genalloc_s(stralloc, &t->m->fields) + i ;
    size_t nl = bm_field_namelen(f), vs = nl + 1, ve = f->len ;
    char const *v[4] ;
    size_t len[4] ;
    int r ;
    if (ve > vs && f->s[ve-1] == '\n') ve-- ;
    if (!(c->protocol & SMFIP_HDR_LEADSPC) && vs < ve && f->s[vs] == ' ') vs++ ;
    v[0] = f->s ; len[0] = nl ; v[1] = "" ; len[1] = 1 ;
    v[2] = f->s + vs ; len[2] = ve - vs ; v[3] = "" ; len[3] = 1 ;
    r = step(c, t, NO_MACROS, 0, SMFIC_HEADER, v, len, 4, SMFIP_NR_HDR, c->conf->tcommand, OTHER_STEP, reply) ;
    if (r) return r ;
  }
  return BM_CONTINUE ;
}

/* the body in chunks of at most MILTER_CHUNK bytes, LF made CRLF */
static int body (bm_conn *c, bm_tx const *t, stralloc *reply)
{
  stralloc chunk = STRALLOC_ZERO ;
  char const *s = t->m->body.s ;
  size_t i = 0, len = t->m->body.len ;
  int r = BM_CONTINUE ;
  if (c->protocol & SMFIP_NOBODY) return BM_CONTINUE ;
  while (i < len)
  {
    chunk.len = 0 ;
    while (i < len && chunk.len + 2 <= MILTER_CHUNK)
    {
      if (s[i] == '\n' && !stralloc_catb(&chunk, "\r", 1)) { r = BM_FAILED ; goto end ; }
      if (!stralloc_catb(&chunk, s + i, 1)) { r = BM_FAILED ; goto end ; }
      i++ ;
    }
    {
      char const *v[1] = { chunk.s } ;
      size_t l[1] = { chunk.len } ;
      r = step(c, t, NO_MACROS, 0, SMFIC_BODY, v, l, 1, SMFIP_NR_BODY, c->conf->tcontent, BODY_STEP, reply) ;
    }
    if (r == -1) { r = BM_CONTINUE ; break ; }   /* SKIP: the milter has seen enough */
    if (r) break ;
  }
 end:
  stralloc_free(&chunk) ;
  return r ;
}

/* the action a change needs */
static uint32_t needs (char cmd)
{
  switch (cmd)
  {
    case SMFIR_ADDHEADER : return SMFIF_ADDHDRS ;
    case SMFIR_INSHEADER : return SMFIF_ADDHDRS ;
    case SMFIR_CHGHEADER : return SMFIF_CHGHDRS ;
    case SMFIR_REPLBODY : return SMFIF_CHGBODY ;
    case SMFIR_ADDRCPT : return SMFIF_ADDRCPT ;
    case SMFIR_ADDRCPT_PAR : return SMFIF_ADDRCPT_PAR ;
    case SMFIR_DELRCPT : return SMFIF_DELRCPT ;
    case SMFIR_CHGFROM : return SMFIF_CHGFROM ;
    case SMFIR_QUARANTINE : return SMFIF_QUARANTINE ;
    default : return 0 ;
  }
}

/* the end of the message: changes until the final word */
static int eom (bm_conn *c, bm_tx const *t, stralloc *reply, stralloc *mods)
{
  stralloc mac = STRALLOC_ZERO ;
  char const *mv[1] ;
  size_t ml[1] ;
  int ok = bm_macros(&mac, SMFIM_EOM, t, 0) ;
  mv[0] = mac.s ; ml[0] = mac.len ;
  ok = ok && bm_queuev(c, SMFIC_MACRO, mv, ml, 1) ;
  stralloc_free(&mac) ;
  if (!ok || !bm_send(c, SMFIC_BODYEOB, "", 0, c->conf->tcontent)) return BM_FAILED ;
  for (;;)
  {
    milter_reply r ;
    char head[5] ;
    uint32_t need ;
    if (!bm_recv(c, c->conf->tcontent) || !milter_reply_scan(c->in.s[0], c->in.s + 1, c->in.len - 1, &r)) return BM_FAILED ;
    if (r.cmd == SMFIR_PROGRESS) continue ;
    need = needs(r.cmd) ;
    if (!need) break ;
    if (!(c->actions & need)) return BM_FAILED ;
    head[0] = r.cmd ;
    uint32_pack_big(head + 1, (uint32_t)(c->in.len - 1)) ;
    if (!stralloc_catb(mods, head, 5) || !stralloc_catb(mods, c->in.s + 1, c->in.len - 1)) return BM_FAILED ;
  }
  /* the packet that ended the loop is the final word */
  switch (c->in.s[0])
  {
    case SMFIR_ACCEPT : case SMFIR_CONTINUE : return BM_CONTINUE ;
    case SMFIR_REJECT : return BM_REJECT ;
    case SMFIR_TEMPFAIL : return BM_TEMPFAIL ;
    case SMFIR_DISCARD : return BM_DISCARD ;
    case SMFIR_REPLYCODE :
      if (!stralloc_copyb(reply, c->in.s + 1, c->in.len - 2)) return BM_FAILED ;
      return c->in.s[1] == '5' ? BM_REJECT : BM_TEMPFAIL ;
    default : return BM_FAILED ;
  }
}

int bm_session (bm_conf const *conf, bm_tx const *t, stralloc *reply, stralloc *mods, int *leadspc)
{
  bm_conn c = BM_CONN_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  int r ;
  reply->len = 0 ;
  mods->len = 0 ;
  if (!bm_connect(&c, conf)) return BM_FAILED ;
  if (!optneg(&c)) { r = BM_FAILED ; goto end ; }
  *leadspc = !!(c.protocol & SMFIP_HDR_LEADSPC) ;
  if (!(c.protocol & SMFIP_NOCONNECT))
  {
    char const *v[1] ;
    size_t len[1] ;
    if (!bm_connect_info(&sa)) { r = BM_FAILED ; goto end ; }
    v[0] = sa.s ; len[0] = sa.len ;
    r = step(&c, t, SMFIM_CONNECT, 0, SMFIC_CONNECT, v, len, 1, SMFIP_NR_CONN, conf->tcommand, OTHER_STEP, reply) ;
    if (r) goto done ;
  }
  if (!(c.protocol & SMFIP_NOHELO))
  {
    char const *helo = getenv("BERTH_HELO") ;
    char const *v[1] ;
    size_t len[1] ;
    if (!helo || !*helo) helo = t->me ;
    v[0] = helo ; len[0] = strlen(helo) + 1 ;
    r = step(&c, t, SMFIM_HELO, 0, SMFIC_HELO, v, len, 1, SMFIP_NR_HELO, conf->tcommand, OTHER_STEP, reply) ;
    if (r) goto done ;
  }
  r = envelope(&c, t, reply) ;
  if (r) goto done ;
  r = headers(&c, t, reply) ;
  if (r) goto done ;
  if (!(c.protocol & SMFIP_NOEOH))
  {
    r = step(&c, t, SMFIM_EOH, 0, SMFIC_EOH, 0, 0, 0, SMFIP_NR_EOH, conf->tcommand, OTHER_STEP, reply) ;
    if (r) goto done ;
  }
  r = body(&c, t, reply) ;
  if (r) goto done ;
  r = eom(&c, t, reply, mods) ;
 done:
  if (r == -2) r = BM_CONTINUE ;   /* ACCEPT before the end: no changes from this milter */
  if (r != BM_FAILED) bm_send(&c, SMFIC_QUIT, "", 0, conf->tcommand) ;
 end:
  stralloc_free(&sa) ;
  bm_close(&c) ;
  return r ;
}
