/* ISC license. */
/* berth-remote: the message, streamed from the message file in chunks, encoded on the way
   (CRLF line ends), so memory does not grow with the message. For DATA: dot-stuffing and the
   final ".\r\n", which goes out in the same write as the message's tail (a small message is one
   write): a separate small write would wait for the peer's delayed ACK of the data before it.
   For BDAT (RFC 3030): no dot-stuffing; each chunk is one write, "BDAT n" or "BDAT n LAST" in
   front of its bytes, and each chunk's reply is read before the next is sent.
   Trust: the message bytes are untrusted; smtpc_encode guarantees nothing can end DATA early,
   and BDAT's byte counts leave nothing to end early. */

#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/smtpc.h>
#include "remote.h"

#define BDAT_HEAD_MAX 32   /* "BDAT " + a 64-bit size + " LAST" + CRLF */
#define CLASS_OK 2

int remote_message_send (rconn *c, rmsg const *m, unsigned int secs)
{
  stralloc enc = STRALLOC_ZERO ;
  char buf[MESSAGE_CHUNK] ;
  unsigned int state = SMTPC_ENC_BOL ;
  int r = 1 ;
  if (lseek(m->fd, m->start, SEEK_SET) < 0) return -1 ;
  for (;;)
  {
    ssize_t n = fd_read(m->fd, buf, sizeof buf) ;
    if (n < 0) { r = -1 ; break ; }
    if (!n)
    {
      if (!smtpc_encode_end(&enc, &state) || !remote_conn_write(c, enc.s, enc.len, secs)) r = 0 ;
      break ;
    }
    if (!smtpc_encode(&enc, buf, n, &state)) { r = 0 ; break ; }
    if (enc.len < MESSAGE_CHUNK) continue ;
    if (!remote_conn_write(c, enc.s, enc.len, secs)) { r = 0 ; break ; }
    enc.len = 0 ;
  }
  stralloc_free(&enc) ;
  return r ;
}

/* enc holds BDAT_HEAD_MAX free bytes, then the chunk: the command goes right before it. */
static int chunk_write (rconn *c, stralloc *enc, int last, unsigned int secs)
{
  char head[BDAT_HEAD_MAX] ;
  size_t n = 5 ;
  memcpy(head, "BDAT ", 5) ;
  n += uint64_fmt(head + n, enc->len - BDAT_HEAD_MAX) ;
  if (last) { memcpy(head + n, " LAST", 5) ; n += 5 ; }
  memcpy(head + n, "\r\n", 2) ; n += 2 ;
  memcpy(enc->s + BDAT_HEAD_MAX - n, head, n) ;
  return remote_conn_write(c, enc->s + BDAT_HEAD_MAX - n, enc->len - BDAT_HEAD_MAX + n, secs) ;
}

int remote_message_bdat (rconn *c, rmsg const *m, unsigned int secs, unsigned int *code)
{
  stralloc enc = STRALLOC_ZERO ;
  char buf[MESSAGE_CHUNK] ;
  unsigned int state = SMTPC_ENC_BOL ;
  ssize_t n ;
  int r = 1 ;
  *code = 0 ;
  if (lseek(m->fd, m->start, SEEK_SET) < 0) return -1 ;
  n = fd_read(m->fd, buf, sizeof buf) ;
  for (;;)
  {
    int last ;
    if (n < 0) { r = -1 ; break ; }
    if (!stralloc_ready(&enc, BDAT_HEAD_MAX)) { r = 0 ; break ; }
    enc.len = BDAT_HEAD_MAX ;
    if (!smtpc_encode_lines(&enc, buf, n, &state, 0)) { r = 0 ; break ; }
    n = n ? fd_read(m->fd, buf, sizeof buf) : 0 ;   /* read ahead: no more bytes makes this chunk the last */
    last = !n ;
    if (last && !smtpc_encode_close(&enc, &state)) { r = 0 ; break ; }
    if (!chunk_write(c, &enc, last, secs)) { r = 0 ; break ; }
    if (last) break ;
    *code = remote_conn_reply(c, secs) ;
    if (!*code) { r = 0 ; break ; }
    if (*code / 100 != CLASS_OK) break ;   /* refused: no more chunks (RFC 3030 section 2) */
    *code = 0 ;
  }
  stralloc_free(&enc) ;
  return r ;
}
