/* ISC license. */
/* berth-remote: the DATA payload, streamed from the message file in chunks, encoded on the way
   (CRLF line ends, dot-stuffing, final ".\r\n"), so memory does not grow with the message.
   The final ".\r\n" goes out in the same write as the message's tail (a small message is one
   write): a separate small write would wait for the peer's delayed ACK of the data before it.
   Trust: the message bytes are untrusted; smtpc_encode guarantees nothing can end DATA early. */

#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <berth/smtpc.h>
#include "remote.h"

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
