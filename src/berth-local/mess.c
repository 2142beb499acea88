/* ISC license. */
/* The message on fd 0 is seekable: every delivery starts from its first byte, which is where
   fd 0 stood when berth-local started (0 as qmail-local's callers give it; after the queue
   header when berth-lspawn gives the queue file, doc/queue.md). */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <berth/queue.h>
#include "local.h"

#define COPY_BUFSIZE 65536

/* The one piece of state berth-local keeps outside local_main's frame: set again by mess_init at
   the start of every job, whatever the job before left (a kept child, doc/guests.md). */
static off_t start = 0 ;

void local_mess_init (void)
{
  off_t r = lseek(0, 0, SEEK_CUR) ;
  start = r > 0 ? r : 0 ;   /* not seekable: mess_rewind reports it when a delivery needs it */
}

void local_mess_rewind (void)
{
  if (lseek(0, start, SEEK_SET) < 0) local_say_die(LOCAL_TEMP, "Unable to rewind message. (#4.3.0)", (char *)0) ;
}

int local_mess_copy (int fd)
{
  char buf[COPY_BUFSIZE] ;
  local_mess_rewind() ;
  for (;;)
  {
    ssize_t r = fd_read(0, buf, sizeof buf) ;
    if (r < 0) return -1 ;
    if (!r) return 0 ;
    if (allwrite(fd, buf, r) < (size_t)r) return -2 ;
  }
}

int local_mess_standalone (void)
{
  local_mess_rewind() ;
  /* a program may rewind its stdin to 0 (qmail's is the message alone): give it a copy */
  return start ? queue_mess_memfd(0) : 0 ;
}
