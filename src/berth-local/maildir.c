/* ISC license. */
/* Maildir delivery. Where the kernel allows it, an unnamed file (O_TMPFILE) in new/ is written
   and fsynced, then given its name new/NAME (linkat through /proc/self/fd) and new/ fsynced: no
   reader ever sees it incomplete, as with tmp/, and a crash before the link leaves nothing. The
   fsync then syncs no tmp/ directory (a file created by name there makes ext4 sync it too), and
   tmp/ is not touched: fewer disk writes per delivery. Otherwise maildir(5)'s way: tmp/NAME
   written and fsynced, linked into new/NAME, new/ fsynced, tmp/NAME removed. Only then is the
   delivery counted: a crash before leaves at most a tmp/ file. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/queue.h>
#include "local.h"

#define MAILDIR_TRIES 5
#define HOST_MAX 64

static size_t host_fmt (char *s)
{
  char h[HOST_MAX + 1] ;
  size_t n = 0 ;
  if (gethostname(h, HOST_MAX) < 0) h[0] = 0 ;
  h[HOST_MAX] = 0 ;
  for (char const *p = h ; *p ; p++)
  {
    /* maildir(5): '/' and ':' are written as octal escapes */
    if (*p == '/') { memcpy(s + n, "\\057", 4) ; n += 4 ; }
    else if (*p == ':') { memcpy(s + n, "\\072", 4) ; n += 4 ; }
    else s[n++] = *p ;
  }
  if (!n) { memcpy(s, "localhost", 9) ; n = 9 ; }
  return n ;
}

/* "<sec>.M<usec>P<pid>Q<n>.<host>" */
static size_t name_fmt (char *s, unsigned int q)
{
  struct timespec ts ;
  size_t n = 0 ;
  berth_clock_read(&ts) ;
  n += ulong_fmt(s + n, (unsigned long)ts.tv_sec) ;
  s[n++] = '.' ; s[n++] = 'M' ;
  n += ulong_fmt(s + n, (unsigned long)(ts.tv_nsec / 1000)) ;
  s[n++] = 'P' ;
  n += pid_fmt(s + n, getpid()) ;
  s[n++] = 'Q' ;
  n += uint_fmt(s + n, q) ;
  s[n++] = '.' ;
  n += host_fmt(s + n) ;
  s[n] = 0 ;
  return n ;
}

static void fail (char const *tmp, char const *text)
{
  if (tmp) unlink(tmp) ;
  local_say_die(LOCAL_TEMP, text, (char *)0) ;
}

#define MD_TEMP "Temporary error on maildir delivery"

/* A temporary failure that names the system's reason for e (the errno of the failed call):
   "TEXT: No space left on device. (#4.3.1)" (local_errcode). tmp (when not 0) is removed first. */
static void failsys (char const *tmp, int e, char const *text)
{
  if (tmp) unlink(tmp) ;
  local_say_die(LOCAL_TEMP, text, ": ", strerror(e), ". ", local_errcode(e), (char *)0) ;
}

/* Writes the delivery to fd: Return-Path, Delivered-To, the message; fsync. 0, or a failure text
   (*e: the failed call's errno). */
static char const *write_all (int fd, lines const *l, int *e)
{
  int r ;
  if (allwrite(fd, l->rp, l->rplen) < l->rplen || allwrite(fd, l->dt, l->dtlen) < l->dtlen)
    return (*e = errno, MD_TEMP) ;
  r = local_mess_copy(fd) ;
  if (r == -1) return (*e = errno, "Unable to read message") ;
  if (r < 0 || fd_sync(fd) < 0) return (*e = errno, MD_TEMP) ;
  return 0 ;
}

/* The O_TMPFILE way. 1 done, 0 not possible here (nothing was named: use tmp/). Dies on a
   delivery error. */
static int deliver_unnamed (char const *dir, size_t dirlen, lines const *l, unsigned int *q)
{
  char name[128 + HOST_MAX * 4] ;
  char new[dirlen + sizeof name + 5] ;
  char const *text ;
  int fd, e = 0 ;
  memcpy(new, dir, dirlen) ; memcpy(new + dirlen, "new", 4) ;
  fd = open(new, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600) ;
  if (fd < 0)
  {
    if (errno == ENOENT || errno == ENOTDIR) fail(0, "Unable to chdir to maildir. (#4.2.1)") ;
    return 0 ;   /* EOPNOTSUPP, EISDIR, EINVAL: no O_TMPFILE on this file system or kernel */
  }
  text = write_all(fd, l, &e) ;
  if (text) { fd_close(fd) ; failsys(0, e, text) ; }
  new[dirlen + 3] = '/' ;
  for (unsigned int i = 0 ; i < MAILDIR_TRIES ; i++)
  {
    name_fmt(name, (*q)++) ;
    strcpy(new + dirlen + 4, name) ;
    if (!queue_fd_name(fd, new)) break ;
    if (errno != EEXIST) { fd_close(fd) ; return 0 ; }   /* no /proc: unnamed, gone with the fd */
    new[dirlen + 4] = 0 ;
  }
  fd_close(fd) ;
  if (!new[dirlen + 4]) fail(0, MD_TEMP ". (#4.3.0)") ;
  new[dirlen + 3] = 0 ;
  if (queue_syncdir(new) < 0) failsys(0, errno, "Unable to sync maildir new/ directory") ;
  return 1 ;
}

void local_deliver_maildir (char const *dir, lines const *l, unsigned int q)
{
  size_t dirlen = strlen(dir) ;
  char name[128 + HOST_MAX * 4] ;
  char tmp[dirlen + sizeof name + 5] ;
  char new[dirlen + sizeof name + 5] ;
  char const *text ;
  int fd = -1, e = 0 ;

  if (deliver_unnamed(dir, dirlen, l, &q)) return ;
  for (unsigned int i = 0 ; i < MAILDIR_TRIES ; i++)
  {
    name_fmt(name, q++) ;
    memcpy(tmp, dir, dirlen) ; memcpy(tmp + dirlen, "tmp/", 4) ; strcpy(tmp + dirlen + 4, name) ;
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) ;
    if (fd >= 0) break ;
    if (errno != EEXIST)
    {
      if (errno == ENOENT || errno == ENOTDIR) fail(0, "Unable to chdir to maildir. (#4.2.1)") ;
      failsys(0, errno, MD_TEMP) ;
    }
  }
  if (fd < 0) fail(0, MD_TEMP ". (#4.3.0)") ;
  memcpy(new, dir, dirlen) ; memcpy(new + dirlen, "new/", 4) ; strcpy(new + dirlen + 4, name) ;

  text = write_all(fd, l, &e) ;
  if (text) { fd_close(fd) ; failsys(tmp, e, text) ; }
  if (close(fd) < 0) failsys(tmp, errno, MD_TEMP) ;
  if (link(tmp, new) < 0) failsys(tmp, errno, MD_TEMP) ;
  unlink(tmp) ;
  new[dirlen + 3] = 0 ;
  if (queue_syncdir(new) < 0) failsys(0, errno, "Unable to sync maildir new/ directory") ;
}
