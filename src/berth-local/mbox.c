/* ISC license. */
/* mbox delivery as qmail-local: flock, From_ line, Return-Path, Delivered-To, ">From " quoting,
   a blank line after; on any error the file is truncated back to its old size. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/sig.h>
#include <skalibs/skamisc.h>
#include <skalibs/stralloc.h>
#include "local.h"

#define LOCK_SECONDS 30
#define MBOX_BUFSIZE 8192

static void on_alarm (int sig)
{
  (void)sig ;
  local_say_die(LOCAL_TEMP, "File has been locked for 30 seconds straight. (#4.3.0)", (char *)0) ;
}

/* qmail's gfrom: a line matching ^>*From  gets one more '>' */
static int gfrom (char const *s, size_t len)
{
  while (len && *s == '>') { s++ ; len-- ; }
  return len >= 5 && !memcmp(s, "From ", 5) ;
}

static int copy_quoted (buffer *out)
{
  char ibuf[MBOX_BUFSIZE] ;
  buffer in = BUFFER_INIT(&buffer_read, 0, ibuf, sizeof ibuf) ;
  stralloc line = STRALLOC_ZERO ;
  int r = 0 ;
  local_mess_rewind() ;
  for (;;)
  {
    int g ;
    line.len = 0 ;
    g = skagetln(&in, &line, '\n') ;
    if (g < 0 && errno != EPIPE) { r = -1 ; break ; }
    if (!line.len) break ;
    if (gfrom(line.s, line.len) && buffer_put(out, ">", 1) < 0) { r = -2 ; break ; }
    if (buffer_put(out, line.s, line.len) < 0) { r = -2 ; break ; }
    if (g < 0)
    {
      if (buffer_put(out, "\n", 1) < 0) r = -2 ;
      break ;
    }
  }
  stralloc_free(&line) ;
  return r ;
}

void local_deliver_mbox (char const *fn, lines const *l)
{
  char obuf[MBOX_BUFSIZE] ;
  buffer out ;
  off_t pos ;
  int locked, r ;
  int fd = open_append(fn) ;
  if (fd < 0) local_say_die(LOCAL_TEMP, "Unable to open ", fn, ": ", strerror(errno), ". (#4.2.1)", (char *)0) ;
  sig_catch(SIGALRM, &on_alarm) ;
  alarm(LOCK_SECONDS) ;
  locked = flock(fd, LOCK_EX) == 0 ;
  alarm(0) ;
  sig_restore(SIGALRM) ;
  pos = lseek(fd, 0, SEEK_END) ;
  buffer_init(&out, &buffer_write, fd, obuf, sizeof obuf) ;
  if (buffer_put(&out, l->uf, l->uflen) < 0
   || buffer_put(&out, l->rp, l->rplen) < 0
   || buffer_put(&out, l->dt, l->dtlen) < 0) r = -2 ;
  else r = copy_quoted(&out) ;
  if (!r && (buffer_put(&out, "\n", 1) < 0 || !buffer_flush(&out) || fd_sync(fd) < 0)) r = -2 ;
  if (r)
  {
    int e = errno ;
    if (locked && pos >= 0 && ftruncate(fd, pos) < 0) {}
    close(fd) ;
    if (r == -1) local_say_die(LOCAL_TEMP, "Unable to read message: ", strerror(e), ". (#4.3.0)", (char *)0) ;
    local_say_die(LOCAL_TEMP, "Unable to write ", fn, ": ", strerror(e), ". ", local_errcode(e), (char *)0) ;
  }
  close(fd) ;
}
