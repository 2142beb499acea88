/* ISC license. */
/* libFuzzer target: the SMTP client's side of berth-remote: replies read by remote_conn_reply (through a
   pipe, as from a socket), their text (conn_replytext), EHLO capabilities (smtpc_ehlo_reply) and,
   on the same bytes, the DATA encoding (smtpc_encode). Checks: every code is 2xx-5xx and the
   lines share it; the text is capped and has no control byte; the encoding never puts CR or LF
   outside CRLF, dot-stuffs every line, and ends in CRLF.CRLF. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/smtpc.h>
#include "../../src/berth-remote/remote.h"

#define PIPE_ROOM 60000
#define REPLIES_MAX 50

static void check_encoding (uint8_t const *data, size_t size)
{
  stralloc out = STRALLOC_ZERO ;
  unsigned int st = SMTPC_ENC_BOL ;
  size_t half = size / 2 ;
  if (!smtpc_encode(&out, (char const *)data, half, &st)
   || !smtpc_encode(&out, (char const *)data + half, size - half, &st)
   || !smtpc_encode_end(&out, &st)) abort() ;
  if (out.len < 3 || memcmp(out.s + out.len - 3, ".\r\n", 3)) abort() ;
  if (out.len >= 5 && memcmp(out.s + out.len - 5, "\r\n.\r\n", 5)) abort() ;
  for (size_t i = 0, bol = 1 ; i < out.len - 3 ; i++)
  {
    if (out.s[i] == '\r' && (i + 1 >= out.len || out.s[i+1] != '\n')) abort() ;
    if (out.s[i] == '\n' && (!i || out.s[i-1] != '\r')) abort() ;
    if (bol && out.s[i] == '.' && (i + 1 >= out.len || out.s[i+1] != '.')) abort() ;
    if (bol && out.s[i] == '.') i++ ;
    bol = out.s[i] == '\n' ;
  }
  stralloc_free(&out) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  rconn c ;
  int p[2] ;
  if (size > PIPE_ROOM) return 0 ;
  check_encoding(data, size) ;
  if (pipe(p) < 0) abort() ;
  if (size && write(p[1], data, size) != (ssize_t)size) abort() ;
  close(p[1]) ;
  memset(&c, 0, sizeof c) ;
  c.fd = p[0] ;
  buffer_init(&c.in, &buffer_read, p[0], c.rbuf, sizeof c.rbuf) ;
  tain_now_set_stopwatch_g() ;
  for (unsigned int n = 0 ; n < REPLIES_MAX ; n++)
  {
    stralloc t = STRALLOC_ZERO ;
    smtpc_caps caps = SMTPC_CAPS_ZERO ;
    unsigned int code = remote_conn_reply(&c, 5) ;
    if (!code) break ;
    if (code < 200 || code > 599 || !c.lines.len || c.lines.s[c.lines.len - 1]) abort() ;
    for (size_t i = 0 ; i < c.lines.len ; i += strlen(c.lines.s + i) + 1)
    {
      unsigned int lc ; int more ;
      if (!smtpc_reply_line(c.lines.s + i, strlen(c.lines.s + i), &lc, &more) || lc != code) abort() ;
    }
    if (!remote_conn_replytext(&c, &t)) abort() ;
    if (t.len > REPORT_TEXT_MAX) abort() ;
    for (size_t i = 0 ; i < t.len ; i++) if ((unsigned char)t.s[i] < 32 || t.s[i] == 127) abort() ;
    smtpc_ehlo_reply(&caps, c.lines.s, c.lines.len) ;
    if (caps.size && !(caps.flags & SMTPC_SIZE)) abort() ;
    stralloc_free(&t) ;
  }
  close(p[0]) ;
  stralloc_free(&c.lines) ;
  return 0 ;
}
