/* ISC license. */
/* Whether fsync of a newly created file also makes its directory entry durable on the
   filesystem holding fd, so that the queue may skip an fsync of the directory (doc/queue.md).
   Linux ext4 does it without a journal (ext4_sync_parent, since 2.6.35) and with one (the
   create is in the transaction the fsync commits); XFS does it (the log force covers the
   create). Anything else, or any doubt, answers 0: the caller syncs the directory.
   statfs says XFS or the ext family; ext2's own driver shares ext4's magic number, so ext4's
   driver is recognised by its /sys/fs/ext4/<device> directory (it has one for every file system
   it serves, whatever the format), found from the device number through /sys/dev/block; without
   /sys, the type /proc/self/mountinfo gives for the device decides. It is called once per
   queued message: statfs, readlink and access cost far less than /proc/self/mountinfo, which the
   kernel formats for every mount; a writer that already has fd's stat passes it
   (queue_fsync_names_st). Trust: /proc and /sys are the kernel's. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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

static int by_mountinfo (struct stat const *st)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = 0 ;
  if (!openslurpclose(&sa, "/proc/self/mountinfo")) return 0 ;
  for (size_t i = 0 ; i < sa.len && !r ;)
  {
    char const *nl = memchr(sa.s + i, '\n', sa.len - i) ;
    size_t len = nl ? (size_t)(nl - sa.s) - i : sa.len - i ;
    r = line_says(sa.s + i, len, major(st->st_dev), minor(st->st_dev)) ;
    i += len + 1 ;
  }
  stralloc_free(&sa) ;
  return r ;
}

#define SYS_BLOCK "/sys/dev/block/"
#define SYS_EXT4 "/sys/fs/ext4/"
#define LINK_MAX_LEN 512

/* 1: ext4's driver serves the device, 0: another driver, -1: no /sys to say */
static int by_sysfs (dev_t dev)
{
  char path[sizeof SYS_BLOCK + 2 * UINT_FMT + 1] ;
  char link[LINK_MAX_LEN] ;
  char name[sizeof SYS_EXT4 + LINK_MAX_LEN] ;
  char const *base ;
  size_t n = sizeof SYS_BLOCK - 1 ;
  ssize_t l ;
  memcpy(path, SYS_BLOCK, n) ;
  n += uint_fmt(path + n, major(dev)) ;
  path[n++] = ':' ;
  n += uint_fmt(path + n, minor(dev)) ;
  path[n] = 0 ;
  l = readlink(path, link, sizeof link - 1) ;
  if (l <= 0) return -1 ;
  link[l] = 0 ;
  base = strrchr(link, '/') ;
  base = base ? base + 1 : link ;
  if (!*base) return -1 ;
  memcpy(name, SYS_EXT4, sizeof SYS_EXT4 - 1) ;
  memcpy(name + sizeof SYS_EXT4 - 1, base, strlen(base) + 1) ;
  if (!access(name, F_OK)) return 1 ;
  return errno == ENOENT && !access(SYS_EXT4, F_OK) ? 0 : -1 ;
}

int queue_fsync_names_st (int fd, struct stat const *st)
{
  struct statfs sf ;
  int r ;
  if (fstatfs(fd, &sf) < 0) return 0 ;
  if (sf.f_type == XFS_SUPER_MAGIC) return 1 ;
  if (sf.f_type != EXT4_SUPER_MAGIC) return 0 ;
  r = by_sysfs(st->st_dev) ;
  return r >= 0 ? r : by_mountinfo(st) ;
}

int queue_fsync_names (int fd)
{
  struct stat st ;
  if (fstat(fd, &st) < 0) return 0 ;
  return queue_fsync_names_st(fd, &st) ;
}
