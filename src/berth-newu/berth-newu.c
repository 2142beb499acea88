/* ISC license. */
/* berth-newu: qmail-newu(8). Compiles HOME/users/assign into HOME/users/assign.cdb atomically
   (written to a temporary file, fsynced, renamed, directory fsynced). On any syntax error
   nothing is replaced and the line number is reported. Then, when control/rcptcheck exists,
   the recipients map users/recipients.cdb (berth/rcptmap.h), which follows users/assign.
   Trust: run by the administrator; the assign file's syntax is checked, its contents trusted. */

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/cdbmake.h>
#include <skalibs/djbunix.h>
#include <skalibs/skamisc.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/assign.h>
#include <berth/home.h>
#include <berth/queue.h>
#include <berth/rcptmap.h>
#include <berth/stdopts.h>

#define USAGE "berth-newu"
#define ASSIGN_TMP "users/assign.cdb.tmp"
#define INBUFSIZE 8192

static void die_tmp (char const *what)
{
  int e = errno ;
  unlink(ASSIGN_TMP) ;
  errno = e ;
  strerr_diefu2sys(111, what, ASSIGN_TMP) ;
}

int main (int argc, char const *const *argv)
{
  char buf[INBUFSIZE] ;
  char fmt[ULONG_FMT] ;
  cdbmaker cm = CDBMAKER_ZERO ;
  stralloc line = STRALLOC_ZERO, key = STRALLOC_ZERO, data = STRALLOC_ZERO ;
  buffer in ;
  unsigned long n = 0 ;
  int fdin, fd ;
  PROG = "berth-newu" ;
  berth_stdopts(argc, argv, USAGE) ;
  (void)argv ;
  if (argc > 1) strerr_dieusage(100, USAGE) ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  fdin = open_read(ASSIGN_FILE) ;
  if (fdin < 0) strerr_diefu2sys(111, "open ", ASSIGN_FILE) ;
  buffer_init(&in, &buffer_read, fdin, buf, sizeof buf) ;
  fd = open_trunc(ASSIGN_TMP) ;
  if (fd < 0) strerr_diefu2sys(111, "create ", ASSIGN_TMP) ;
  if (!cdbmake_start(&cm, fd)) die_tmp("start ") ;
  for (;;)
  {
    int r ;
    line.len = 0 ;
    r = skagetln(&in, &line, '\n') ;
    if (r < 0 && errno != EPIPE) { int e = errno ; unlink(ASSIGN_TMP) ; errno = e ; strerr_diefu2sys(111, "read ", ASSIGN_FILE) ; }
    n++ ;
    fmt[ulong_fmt(fmt, n)] = 0 ;
    if (!line.len)
    {
      unlink(ASSIGN_TMP) ;
      strerr_dief3x(100, ASSIGN_FILE, ": missing final \".\" line at line ", fmt) ;
    }
    if (line.s[line.len - 1] == '\n') line.len-- ;
    if (line.len == 1 && line.s[0] == '.') break ;
    key.len = 0 ; data.len = 0 ;
    r = assign_parseline(line.s, line.len, &key, &data) ;
    if (r < 0) die_tmp("parse into ") ;
    if (!r)
    {
      unlink(ASSIGN_TMP) ;
      strerr_dief4x(100, ASSIGN_FILE, ": bad syntax at line ", fmt, " (old cdb kept)") ;
    }
    if (!cdbmake_add(&cm, key.s, key.len, data.s, data.len)) die_tmp("add to ") ;
  }
  if (!cdbmake_finish(&cm) || fd_sync(fd) < 0) die_tmp("write ") ;
  fd_close(fd) ;
  fd_close(fdin) ;
  if (rename(ASSIGN_TMP, ASSIGN_CDB) < 0) die_tmp("rename ") ;
  if (queue_syncdir("users") < 0) strerr_diefu1sys(111, "sync users directory") ;
  if (access(RCPTMAP_CONTROL, F_OK) == 0)
  {
    if (!rcptmap_build()) strerr_diefu2sys(111, "build ", RCPTMAP_FILE) ;
  }
  else if (errno != ENOENT) strerr_diefu2sys(111, "access ", RCPTMAP_CONTROL) ;
  return 0 ;
}
