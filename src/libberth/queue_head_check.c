/* ISC license. */
/* Tells whether a message file is sealed and whole (queue.h): berth-send's recovery after a
   reboot relinks into todo/ only such files. Trust: the file is the queue owner's, but its
   header may be torn and its blocks stale after a power loss: every offset is bounded here. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/uint64.h>
#include <berth/queue.h>

int queue_head_check (int fd, char const *id)
{
  char head[QUEUE_HEAD] ;
  char digest[QUEUE_SEAL_DIGEST] ;
  struct stat st ;
  size_t i = QUEUE_HEAD_MAGICLEN ;
  uint64_t len ;
  ssize_t r = pread(fd, head, sizeof head, 0) ;
  if (r < 0) return -1 ;
  if (r < QUEUE_HEAD || memcmp(head, QUEUE_HEAD_MAGIC, QUEUE_HEAD_MAGICLEN)) return 0 ;
  if (!head[i]) return 0 ;   /* an empty record list: the envelope is in its own file */
  while (i < QUEUE_HEAD && head[i])
  {
    void const *z = memchr(head + i, 0, QUEUE_HEAD - i) ;
    if (!z) return 0 ;
    i = (size_t)((char const *)z - head) + 1 ;
  }
  i++ ;   /* the final NUL */
  if (i + QUEUE_SEAL_LEN > QUEUE_HEAD || head[i] != QUEUE_SEAL_MARK) return 0 ;
  uint64_unpack_big(head + i + 1, &len) ;
  if (fstat(fd, &st) < 0) return -1 ;
  if (st.st_size < QUEUE_HEAD || (uint64_t)st.st_size - QUEUE_HEAD != len) return 0 ;
  if (queue_head_digest(fd, id, head, i + 9, len, digest) < 0) return errno == EPIPE ? 0 : -1 ;
  return !memcmp(digest, head + i + 9, QUEUE_SEAL_DIGEST) ;
}
