/* ISC license. */
/* Whether fsync of a newly created file also makes its directory entry durable on the
   filesystem holding fd, so that the queue may skip an fsync of the directory (doc/queue.md).
   Linux ext4 does it without a journal (ext4_sync_parent, since 2.6.35) and with one (the
   create is in the transaction the fsync commits); XFS does it (the log force covers the
   create). Anything else, or any doubt (ext2/ext3 drivers share ext4's magic, so the type is
   read from /proc/self/mountinfo by device number), answers 0: the caller syncs the directory.
   Trust: /proc is the kernel's. */

#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/queue.h>

/* "ID PARENT MAJ:MIN ROOT MOUNT OPTS [TAGS...] - FSTYPE SOURCE SUPEROPTS" */
static int line_says (char const *s, size_t len, unsigned int maj, unsigned int min)
{
  unsigned int a, b ;
  size_t i = 0, n ;
  char const *sep ;
  for (unsigned int f = 0 ; f < 2 ; f++)
  {
    while (i < len && s[i] != ' ') i++ ;
    i++ ;
  }
  if (i >= len) return 0 ;
  n = uint_scan(s + i, &a) ;
  if (!n || s[i + n] != ':' || a != maj) return 0 ;
  i += n + 1 ;
  n = uint_scan(s + i, &b) ;
  if (!n || b != min) return 0 ;
  sep = memmem(s, len, " - ", 3) ;
  if (!sep) return 0 ;
  sep += 3 ;
  len -= sep - s ;
  return (len > 5 && !memcmp(sep, "ext4 ", 5)) || (len > 4 && !memcmp(sep, "xfs ", 4)) ;
}

int queue_fsync_names (int fd)
{
  struct stat st ;
  stralloc sa = STRALLOC_ZERO ;
  int r = 0 ;
  if (fstat(fd, &st) < 0) return 0 ;
  if (!openslurpclose(&sa, "/proc/self/mountinfo")) return 0 ;
  for (size_t i = 0 ; i < sa.len && !r ;)
  {
    char const *nl = memchr(sa.s + i, '\n', sa.len - i) ;
    size_t len = nl ? (size_t)(nl - sa.s) - i : sa.len - i ;
    r = line_says(sa.s + i, len, major(st.st_dev), minor(st.st_dev)) ;
    i += len + 1 ;
  }
  stralloc_free(&sa) ;
  return r ;
}
