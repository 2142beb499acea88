/* ISC license. */
/* queue_fsync_names (src/libberth/queue_fsync_names.c): yes only for ext4 and xfs; no for tmpfs,
   proc, and anything it cannot read. For the directories here on the ext family, its answer (by
   /sys) must be the one /proc/self/mountinfo gives for their device (ext4: yes). */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysmacros.h>
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

/* mountinfo's type for dir's device: "ext4", "xfs", ...; 0 if not found */
static char const *mounted_type (char const *dir, char *type, size_t len)
{
  struct stat st ;
  char line[4096] ;
  FILE *f ;
  char const *found = 0 ;
  if (stat(dir, &st) < 0 || !(f = fopen("/proc/self/mountinfo", "r"))) return 0 ;
  while (!found && fgets(line, sizeof line, f))
  {
    unsigned int a, b ;
    char const *sep = strstr(line, " - ") ;
    if (sscanf(line, "%*u %*u %u:%u", &a, &b) != 2 || a != major(st.st_dev) || b != minor(st.st_dev) || !sep) continue ;
    if (sscanf(sep + 3, "%63s", type) == 1 && len > 63) found = type ;
  }
  fclose(f) ;
  return found ;
}

/* on the ext family: the answer is mountinfo's "ext4" */
static void ext_family (char const *dir)
{
  struct statfs sf ;
  char type[64] ;
  int fd ;
  if (statfs(dir, &sf) < 0 || sf.f_type != 0xEF53 || !mounted_type(dir, type, sizeof type))
  {
    TAP_OK(1, "# SKIP %s is not on the ext family here", dir) ;
    return ;
  }
  fd = open(dir, O_RDONLY | O_DIRECTORY) ;
  TAP_OK(fd >= 0 && queue_fsync_names(fd) == !strcmp(type, "ext4"), "%s (%s): as mountinfo says", dir, type) ;
  if (fd >= 0) close(fd) ;
}

int main (void)
{
  int r ;
  TAP_PLAN(5) ;
  ext_family(".") ;
  ext_family("/tmp") ;
  r = check("/proc", PROC_MAGIC, 0) ;
  TAP_OK(r == 1, "proc: the directory must be synced (%d)", r) ;
  r = check("/dev/shm", TMPFS_MAGIC, 0) ;
  if (r < 0) TAP_OK(1, "# SKIP /dev/shm is not a tmpfs here") ;
  else TAP_OK(r == 1, "tmpfs: the directory must be synced") ;
  TAP_OK(queue_fsync_names(-1) == 0, "a bad fd: no") ;
  return TAP_DONE() ;
}
