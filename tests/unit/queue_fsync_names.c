/* ISC license. */
/* queue_fsync_names (src/libberth/queue_fsync_names.c): yes only for ext4 and xfs, by the type
   /proc/self/mountinfo gives the fd's device; no for tmpfs, proc, and anything it cannot read. */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <berth/queue.h>
#include "tap.h"

#define TMPFS_MAGIC 0x01021994
#define PROC_MAGIC 0x9fa0

/* the filesystem type of dir from the kernel's mount table, by a shell-free route: statfs */
static int check (char const *dir, long magic, int want)
{
  struct statfs sf ;
  int fd = open(dir, O_RDONLY | O_DIRECTORY) ;
  int r ;
  if (fd < 0 || statfs(dir, &sf) < 0 || sf.f_type != magic) { if (fd >= 0) close(fd) ; return -1 ; }
  r = queue_fsync_names(fd) ;
  close(fd) ;
  return r == want ;
}

int main (void)
{
  int r ;
  TAP_PLAN(3) ;
  r = check("/proc", PROC_MAGIC, 0) ;
  TAP_OK(r == 1, "proc: the directory must be synced (%d)", r) ;
  r = check("/dev/shm", TMPFS_MAGIC, 0) ;
  if (r < 0) TAP_OK(1, "# SKIP /dev/shm is not a tmpfs here") ;
  else TAP_OK(r == 1, "tmpfs: the directory must be synced") ;
  TAP_OK(queue_fsync_names(-1) == 0, "a bad fd: no") ;
  return TAP_DONE() ;
}
