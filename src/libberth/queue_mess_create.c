/* ISC license. */
/* Creates a new message file mess/<id> (fn), read-write, like open(O_CREAT|O_EXCL, 0640):
   - first from the pool (doc/queue.md, "The pool"): a removed message file that berth-send kept
     in a slot pool/s<n>, found in the first entries of pool/'s listing, is renamed to fn
     (RENAME_NOREPLACE: fn is never overwritten). No inode
     is allocated or freed: on ext4 without a journal each allocation scans past every inode freed
     in the last seconds to minutes, most of the CPU a message cost there. Its old bytes are still
     in it; the writer overwrites them and cuts the rest (ftruncate) before it seals the header,
     whose digest covers the id, so the old content never passes for a message of this name.
     A slot whose file has another name (a crash's half rename: it may be a live message's) is
     left alone;
   - else a new inode, made unnamed first where the kernel allows it (O_TMPFILE) and then named
     (linkat through /proc/self/fd), so that its allocation happens without the lock of mess/
     that every concurrent session and berth-send's removals take;
   - else a plain create.
   The file has its name when this returns: the crash argument is that of a plain create.
   Trust: fn is a queue path built by the caller; the pool is the queue owner's. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include <berth/queue.h>

#define DENTS_BUFSIZE 1024   /* about 40 entries of pool/: more than QUEUE_POOL_TRIES slots */

/* The first slot names of pool/'s listing, from an offset fn's bytes (its id: clock and pid) pick
   among them (so that concurrent writers try different files first); each rename that loses a race (ENOENT) tries the
   next. The listing reads one small block of entries (getdents64), not the whole directory as
   readdir's 32 KiB buffer would. -1 with EEXIST (fn exists), else an fd, or -2: nothing found,
   use a new inode. */
static int from_pool (char const *fn)
{
  unsigned int seed = 0 ;
  char names[QUEUE_POOL_TRIES][QUEUE_POOL_SLOTNAME] ;
  char slot[sizeof(QUEUE_POOL) + QUEUE_POOL_SLOTNAME] ;
  char buf[DENTS_BUFSIZE] __attribute__((aligned(8))) ;
  unsigned int n = 0 ;
  ssize_t got ;
  int dfd = open(QUEUE_POOL, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (dfd < 0) return -2 ;
  for (char const *p = fn ; *p ; p++) seed = seed * 31 + (unsigned char)*p ;
  got = getdents64(dfd, buf, sizeof buf) ;
  fd_close(dfd) ;
  for (ssize_t off = 0 ; off < got && n < QUEUE_POOL_TRIES ;)
  {
    struct dirent64 const *e = (struct dirent64 const *)(buf + off) ;
    off += e->d_reclen ;
    if (e->d_name[0] != 's' || strlen(e->d_name) >= QUEUE_POOL_SLOTNAME) continue ;
    strcpy(names[n++], e->d_name) ;
  }
  for (unsigned int t = 0 ; t < n ; t++)
  {
    struct stat st ;
    int fd ;
    queue_path(slot, QUEUE_POOL, names[(seed + t) % n]) ;
    if (renameat2(AT_FDCWD, slot, AT_FDCWD, fn, RENAME_NOREPLACE) < 0)
    {
      if (errno == EEXIST) return -1 ;
      continue ;   /* ENOENT: another writer took it */
    }
    fd = open(fn, O_RDWR | O_NOFOLLOW | O_CLOEXEC) ;
    if (fd < 0) { unlink(fn) ; return -2 ; }
    if (fstat(fd, &st) == 0 && st.st_nlink == 1) return fd ;
    /* another name too: a crash left a rename into or out of pool/ half on disk, and the file
       may be a live message's; it is not ours to write over. Our name goes, its others stay. */
    fd_close(fd) ;
    unlink(fn) ;
  }
  return -2 ;
}

int queue_mess_create (char const *fn)
{
  int fd = from_pool(fn) ;
  if (fd != -2) return fd ;
  fd = open(QUEUE_MESS, O_TMPFILE | O_RDWR | O_CLOEXEC, 0640) ;
  if (fd >= 0)
  {
    if (!queue_fd_name(fd, fn)) return fd ;
    {
      int e = errno ;
      fd_close(fd) ;   /* unnamed: gone with its descriptor */
      if (e == EEXIST) { errno = e ; return -1 ; }
    }
    /* no /proc, or a link refused: the plain way */
  }
  return open(fn, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640) ;
}
