/* ISC license. */
/* berth-inject: reading the header (bounded, folded lines kept byte for byte) and finding the
   fields qmail-inject acts on. Trust: the message bytes are the local user's; nothing assumed. */

#include <errno.h>
#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/rfc5322.h>
#include "inject.h"

struct hname_s { char const *name ; int type ; } ;
static struct hname_s const hnames[] =
{
  { "To", H_TO }, { "Cc", H_CC }, { "Bcc", H_BCC }, { "Apparently-To", H_APPARENTLYTO },
  { "Return-Path", H_RETURNPATH }, { "From", H_FROM }, { "Date", H_DATE },
  { "Message-ID", H_MESSAGEID }, { "Content-Length", H_CONTENTLENGTH },
  { "Resent-To", H_R_TO }, { "Resent-Cc", H_R_CC }, { "Resent-Bcc", H_R_BCC },
  { "Resent-Sender", H_R_SENDER }, { "Resent-From", H_R_FROM }, { "Resent-Reply-To", H_R_REPLYTO },
  { "Resent-Date", H_R_DATE }, { "Resent-Message-ID", H_R_MESSAGEID },
  { 0, H_OTHER }
} ;

static int htype (char const *s, size_t namelen)
{
  struct hname_s const *p = hnames ;
  for (; p->name ; p++) if (rfc5322_nameis(s, namelen, p->name)) return p->type ;
  return H_OTHER ;
}

/* One line into sa (newline kept). 1: line; 0: EOF with nothing read; partial last lines get no
   newline and return 1. Dies past INJECT_HEADER_MAX. */
static int getline_bounded (buffer *b, stralloc *sa, size_t already)
{
  size_t start = sa->len ;
  for (;;)
  {
    char c ;
    ssize_t r = buffer_get(b, &c, 1) ;
    if (r < 0) strerr_diefu1sys(111, "read message") ;
    if (!r) return sa->len > start ;
    if (already + sa->len - start >= INJECT_HEADER_MAX)
      strerr_dief1x(100, "message header too long") ;
    if (!stralloc_catb(sa, &c, 1)) strerr_diefu1sys(111, "stralloc_catb") ;
    if (c == '\n') return 1 ;
  }
}

void header_read (inject *in, buffer *b)
{
  stralloc line = STRALLOC_ZERO ;
  for (;;)
  {
    size_t namelen, body ;
    line.len = 0 ;
    if (!getline_bounded(b, &line, in->hdr.len)) { in->eof = 1 ; break ; }
    if ((line.len == 1 && line.s[0] == '\n') || (line.len == 2 && line.s[0] == '\r' && line.s[1] == '\n'))
    {
      if (!stralloc_copy(&in->sep, &line)) strerr_diefu1sys(111, "stralloc_copy") ;
      break ;
    }
    if ((line.s[0] == ' ' || line.s[0] == '\t') && genalloc_len(field, &in->fields))
    {
      field *f = genalloc_s(field, &in->fields) + genalloc_len(field, &in->fields) - 1 ;
      f->len += line.len ;
    }
    else if (rfc5322_field(line.s, line.len, &namelen, &body))
    {
      field f = { .pos = in->hdr.len, .len = line.len, .body = body, .type = htype(line.s, namelen) } ;
      if (!genalloc_append(field, &in->fields, &f)) strerr_diefu1sys(111, "genalloc_append") ;
    }
    else
    {
      /* not a header line: the body starts here (a separating newline is added on output) */
      if (!stralloc_copy(&in->bodystart, &line)) strerr_diefu1sys(111, "stralloc_copy") ;
      break ;
    }
    if (!stralloc_catb(&in->hdr, line.s, line.len)) strerr_diefu1sys(111, "stralloc_catb") ;
    if (line.s[line.len - 1] != '\n')
    {
      /* EOF inside the last field: end it with a newline */
      if (!stralloc_catb(&in->hdr, "\n", 1)) strerr_diefu1sys(111, "stralloc_catb") ;
      genalloc_s(field, &in->fields)[genalloc_len(field, &in->fields) - 1].len++ ;
      in->eof = 1 ;
      break ;
    }
  }
  stralloc_free(&line) ;
}

static void die_field (inject const *in, field const *f) gccattr_noreturn ;
static void die_field (inject const *in, field const *f)
{
  size_t namelen = 0, body ;
  char name[64] ;
  rfc5322_field(in->hdr.s + f->pos, f->len, &namelen, &body) ;
  if (namelen >= sizeof name) namelen = sizeof name - 1 ;
  memcpy(name, in->hdr.s + f->pos, namelen) ;
  name[namelen] = 0 ;
  strerr_dief2x(100, "unable to parse the address list in header field ", name) ;
}

/* Appends the field's addresses to `to`, NUL-terminated, <> dropped, each rewritten. */
static void addresses (inject *in, field const *f, stralloc *to)
{
  size_t start = to->len, i = start ;
  if (rfc5322_addrlist(to, in->hdr.s + f->pos + f->body, f->len - f->body) < 0)
  {
    if (errno == ENOMEM) strerr_diefu1sys(111, "parse header") ;
    die_field(in, f) ;
  }
  /* drop <> and rewrite the rest in place, qmail-inject style */
  in->tmp.len = 0 ;
  while (i < to->len)
  {
    size_t len = strlen(to->s + i) ;
    if (len && !stralloc_catb(&in->tmp, to->s + i, len + 1)) strerr_diefu1sys(111, "stralloc_catb") ;
    i += len + 1 ;
  }
  to->len = start ;
  for (i = 0 ; i < in->tmp.len ; i += strlen(in->tmp.s + i) + 1)
  {
    size_t here = to->len ;
    if (!stralloc_cats(to, in->tmp.s + i)) strerr_diefu1sys(111, "stralloc_cats") ;
    addr_rewrite(in, to, here) ;
    if (!stralloc_0(to)) strerr_diefu1sys(111, "stralloc_0") ;
  }
}

/* Marks what is present, collects header recipients, takes the sender from Return-Path. Fields
   deleted by QMAILINJECT (f, i, s) get len 0: not seen, not acted on, not written. */
void header_scan (inject *in)
{
  field *f = genalloc_s(field, &in->fields) ;
  size_t n = genalloc_len(field, &in->fields) ;
  int wantrcpt = in->strategy != RECIP_ARGS ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if ((in->delfrom && f[i].type == H_FROM) || (in->delmsgid && f[i].type == H_MESSAGEID)
     || (in->delreturnpath && f[i].type == H_RETURNPATH))
    {
      f[i].len = 0 ;
      continue ;
    }
    in->seen[f[i].type] = 1 ;
  }
  in->resent = in->seen[H_R_SENDER] || in->seen[H_R_FROM] || in->seen[H_R_REPLYTO] || in->seen[H_R_TO]
    || in->seen[H_R_CC] || in->seen[H_R_BCC] || in->seen[H_R_DATE] || in->seen[H_R_MESSAGEID] ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (!f[i].len) continue ;
    switch (f[i].type)
    {
      case H_TO : case H_CC : case H_BCC : case H_APPARENTLYTO :
        if (wantrcpt && !in->resent) addresses(in, f + i, &in->rhdr) ;
        break ;
      case H_R_TO : case H_R_CC : case H_R_BCC :
        if (wantrcpt && in->resent) addresses(in, f + i, &in->rresent) ;
        break ;
      case H_RETURNPATH :
        if (!in->flagsender && !in->sender.len)
        {
          size_t start = in->sender.len ;
          int r = rfc5322_addrlist(&in->sender, in->hdr.s + f[i].pos + f[i].body, f[i].len - f[i].body) ;
          if (r < 0 && errno == ENOMEM) strerr_diefu1sys(111, "parse header") ;
          if (r <= 0) { in->sender.len = 0 ; break ; }
          in->sender.len = start + strlen(in->sender.s + start) ;
          addr_rewrite(in, &in->sender, start) ;
          if (in->verprcpt && in->sender.len > start && !stralloc_cats(&in->sender, "-@[]")) strerr_diefu1sys(111, "stralloc_cats") ;
          if (!stralloc_0(&in->sender)) strerr_diefu1sys(111, "stralloc_0") ;
          in->flagsender = 1 ;
        }
        break ;
      default : break ;
    }
  }
}
