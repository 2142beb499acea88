/* ISC license. */
/* Seals a message file's header (queue.h): after the records, 'S', the message's length (8 bytes,
   big-endian) and the digest of both and the message. The caller then writes head at offset 0
   and fsyncs the file: from there on the file proves by itself that it is whole.
   Trust: fd is the file this process wrote. */

#include <errno.h>
#include <sys/stat.h>
#include <skalibs/uint64.h>
#include <berth/queue.h>

int queue_head_seal (int fd, char const *id, char *head, size_t *headlen)
{
  struct stat st ;
  if (*headlen + QUEUE_SEAL_LEN > QUEUE_HEAD) { errno = EOVERFLOW ; return -1 ; }
  if (fstat(fd, &st) < 0) return -1 ;
  return queue_head_sealto(fd, id, head, headlen, st.st_size) ;
}

int queue_head_sealto (int fd, char const *id, char *head, size_t *headlen, off_t size)
{
  size_t n = *headlen ;
  uint64_t len ;
  if (n + QUEUE_SEAL_LEN > QUEUE_HEAD) { errno = EOVERFLOW ; return -1 ; }
  if (size < QUEUE_HEAD) { errno = EPROTO ; return -1 ; }
  len = (uint64_t)size - QUEUE_HEAD ;
  head[n++] = QUEUE_SEAL_MARK ;
  uint64_pack_big(head + n, len) ; n += 8 ;
  if (queue_head_digest(fd, id, head, n, len, head + n) < 0) return -1 ;
  *headlen = n + QUEUE_SEAL_DIGEST ;
  return 0 ;
}
