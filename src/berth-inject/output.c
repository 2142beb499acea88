/* ISC license. */
/* berth-inject: writing the message: the fields qmail-inject adds, the kept header fields
   byte for byte, then the body streamed in fixed-size chunks. Trust: as the rest of berth-inject. */

#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/date822.h>
#include "inject.h"

static int put (buffer *b, char const *s, size_t len)
{
  return buffer_put(b, s, len) >= 0 ;
}

static int puts_ (buffer *b, char const *s)
{
  return put(b, s, strlen(s)) ;
}

static int put_date (inject *in, buffer *b, char const *prefix)
{
  char d[DATE822_FMT] ;
  size_t n = date822_fmt(d, in->now) ;
  return puts_(b, prefix) && puts_(b, "Date: ") && put(b, d, n) && put(b, "\n", 1) ;
}

/* <sec.usec.pid.berth@idhost> */
static int put_msgid (inject *in, buffer *b, char const *prefix)
{
  char fmt[UINT64_FMT] ;
  return puts_(b, prefix) && puts_(b, "Message-ID: <")
    && put(b, fmt, uint64_fmt(fmt, (uint64_t)in->now)) && put(b, ".", 1)
    && put(b, fmt, ulong_fmt(fmt, in->usec)) && put(b, ".", 1)
    && put(b, fmt, pid_fmt(fmt, in->pid)) && puts_(b, ".berth@")
    && put(b, in->idhost.s, in->idhost.len) && put(b, ">\n", 2) ;
}

static int put_from (inject *in, buffer *b, char const *prefix)
{
  stralloc sa = STRALLOC_ZERO ;
  int r ;
  addr_fromfield(in, &sa) ;
  r = puts_(b, prefix) && put(b, sa.s, sa.len) ;
  stralloc_free(&sa) ;
  return r ;
}

static int dropped (int type)
{
  return type == H_BCC || type == H_R_BCC || type == H_RETURNPATH || type == H_CONTENTLENGTH ;
}

/* 1 ok, 0 write error (errno set). */
int output_header (inject *in, buffer *b)
{
  field const *f = genalloc_s(field, &in->fields) ;
  size_t n = genalloc_len(field, &in->fields) ;
  if (!in->queue)
  {
    if (!puts_(b, "Return-Path: <") || !put(b, in->sender.s, strlen(in->sender.s)) || !puts_(b, ">\n")) return 0 ;
  }
  if (in->resent)
  {
    if (!in->seen[H_R_DATE] && !put_date(in, b, "Resent-")) return 0 ;
    if (!in->seen[H_R_MESSAGEID] && !put_msgid(in, b, "Resent-")) return 0 ;
    if (!in->seen[H_R_FROM] && !put_from(in, b, "Resent-")) return 0 ;
    if (!in->seen[H_R_TO] && !in->seen[H_R_CC] && !puts_(b, "Resent-Cc: recipient list not shown: ;\n")) return 0 ;
  }
  else
  {
    if (!in->seen[H_DATE] && !put_date(in, b, "")) return 0 ;
    if (!in->seen[H_MESSAGEID] && !put_msgid(in, b, "")) return 0 ;
    if (!in->seen[H_FROM] && !put_from(in, b, "")) return 0 ;
    if (!in->seen[H_TO] && !in->seen[H_CC] && !puts_(b, "Cc: recipient list not shown: ;\n")) return 0 ;
  }
  for (size_t i = 0 ; i < n ; i++)
  {
    if (!f[i].len || dropped(f[i].type)) continue ;
    if (!put(b, in->hdr.s + f[i].pos, f[i].len)) return 0 ;
  }
  if (in->sep.len) { if (!put(b, in->sep.s, in->sep.len)) return 0 ; }
  else if (!put(b, "\n", 1)) return 0 ;
  if (in->bodystart.len && !put(b, in->bodystart.s, in->bodystart.len)) return 0 ;
  return 1 ;
}

/* The rest of the input, in chunks; read errors are fatal (111), write errors return 0. */
int output_body (inject *in, buffer *from, buffer *to)
{
  char buf[INJECT_COPY_BUFSIZE] ;
  if (!in->eof) for (;;)
  {
    ssize_t r = buffer_get(from, buf, sizeof buf) ;
    if (r < 0) strerr_diefu1sys(111, "read message") ;
    if (!r) break ;
    if (!put(to, buf, r)) return 0 ;
    if ((size_t)r < sizeof buf) break ;
  }
  return buffer_flush(to) ;
}
