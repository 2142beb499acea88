/* ISC license. */
/* The digest that seals a message file's header (queue.h, doc/queue.md "The seal"): SHA-256 over
   the file's queue id (a pooled file reused under another id must not pass for a message of its
   new name), the header's first hlen bytes, then the message's len bytes from QUEUE_HEAD on, read
   back from the file. Trust: none needed; what is hashed is what the file holds. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/sha256.h>
#include <berth/queue.h>

#define DIGEST_BUFSIZE 8192   /* small: berth-smtpd's peak RSS must not grow with this */

int queue_head_digest (int fd, char const *id, char const *head, size_t hlen, uint64_t len, char *digest)
{
  char buf[DIGEST_BUFSIZE] ;
  SHA256Schedule h = SHA256_INIT() ;
  uint64_t done = 0 ;
  sha256_update(&h, id, strlen(id) + 1) ;
  sha256_update(&h, head, hlen) ;
  while (done < len)
  {
    size_t want = len - done < sizeof buf ? (size_t)(len - done) : sizeof buf ;
    ssize_t r = pread(fd, buf, want, (off_t)(QUEUE_HEAD + done)) ;
    if (r < 0) { if (errno == EINTR) continue ; return -1 ; }
    if (!r) { errno = EPIPE ; return -1 ; }   /* shorter than its length says */
    sha256_update(&h, buf, (size_t)r) ;
    done += (uint64_t)r ;
  }
  sha256_final(&h, digest) ;
  return 0 ;
}
