/* ISC license. */
/* Ends a message file whose message was written from QUEUE_HEAD up to fd's offset: the file is
   cut there (a pooled file, queue_mess_create, still holds an older message after it), then the
   whole header is written at offset 0: the magic and records given, the seal when asked, zeros
   after (no byte of an older header left). The caller fsyncs. One place for both writers,
   berth-queue and berth-smtpd in process. Trust: fd is the file this process wrote. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <berth/queue.h>

int queue_head_write (int fd, char const *id, char const *records, size_t len, int seal)
{
  char head[QUEUE_HEAD] ;
  off_t end = lseek(fd, 0, SEEK_CUR) ;
  if (end < 0 || ftruncate(fd, end) < 0) return -1 ;
  if (len > QUEUE_HEAD) { errno = EOVERFLOW ; return -1 ; }
  memset(head, 0, sizeof head) ;
  memcpy(head, records, len) ;
  if (seal && queue_head_sealto(fd, id, head, &len, end) < 0) return -1 ;   /* cut at end: its size */
  return pwrite(fd, head, sizeof head, 0) == (ssize_t)sizeof head ? 0 : -1 ;
}
