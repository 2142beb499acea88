/* ISC license. */
/* berth-reload: makes an edited configuration take effect without a restart (qmailctl's cdb and
   reload, postfix reload). Rebuilds every compiled file older than its source: control/tcp.smtp.cdb
   (tcprules), control/morercpthosts.cdb (qmail-newmrh's format: each line lowercased as a key),
   users/assign.cdb (berth-newu, which also rebuilds the recipients map), users/recipients.cdb
   when control/rcptcheck exists (berth/rcptmap.h: its sources are passwd and the homes too);
   then tells berth-send to reread its control files (s6-svc -h on
   the instance's send service, when it is supervised). berth-smtpd reads control/ at each session
   and berth-listen the rules at each connection: they need no signal. One log line per action.
   Trust: run by the instance's administrator; the files' contents are theirs. */

#include <errno.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/bytestr.h>
#include <skalibs/cdbmake.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/home.h>
#include <berth/rcptmap.h>
#include <berth/sibling.h>
#include <berth/spawn.h>
#include <berth/stale.h>
#include <berth/stdopts.h>

#define USAGE "berth-reload"
#define TCP_SRC "control/tcp.smtp"
#define TCP_CDB "control/tcp.smtp.cdb"
#define TCP_TMP "control/tcp.smtp.tmp"
#define MRH_SRC "control/morercpthosts"
#define MRH_CDB "control/morercpthosts.cdb"
#define MRH_TMP "control/morercpthosts.tmp"
#define ASSIGN_SRC "users/assign"
#define ASSIGN_CDB "users/assign.cdb"
#define SEND_SVC "service/send"
#define RUN_TIMEOUT_MS 10000U
#define RUN_POLL_MS 20U

/* 1 when src exists and cdb is missing or older; 0 when cdb is up to date or src is absent */
static int stale (char const *src, char const *cdb)
{
  int r = berth_stale(src, cdb) ;
  if (r < 0) strerr_diefu4sys(111, "compare ", src, " with ", cdb) ;
  return r != BERTH_STALE_NO ;
}

/* runs argv with fd 0 from infile (or ours): its exit code; 111 when it could not run or did not
   end within RUN_TIMEOUT_MS (tcprules of ucspi-tcp loops for ever on some unparsable lines,
   such as a line without a colon: it is killed) */
static int run (char const *const *argv, char const *infile)
{
  berth_spawn_fa fa = { .type = BERTH_SPAWN_FA_COPY } ;
  int fd = -1, wstat ;
  pid_t pid ;
  if (infile)
  {
    fd = open_read(infile) ;
    if (fd < 0) strerr_diefu2sys(111, "open ", infile) ;
    fa.x.fd2[0] = 0 ; fa.x.fd2[1] = fd ;
  }
  pid = berth_spawn(argv[0], argv, (char const *const *)environ, 0, &fa, infile ? 1 : 0) ;
  if (fd >= 0) fd_close(fd) ;
  if (!pid) { strerr_warnwu2sys("run ", argv[0]) ; return 111 ; }
  for (unsigned int waited = 0 ;; waited += RUN_POLL_MS)
  {
    struct timespec ts = { .tv_sec = 0, .tv_nsec = RUN_POLL_MS * 1000000L } ;
    pid_t r = wait_pid_nohang(pid, &wstat) ;
    if (r == pid) break ;
    if (r < 0) strerr_diefu2sys(111, "wait for ", argv[0]) ;
    if (waited >= RUN_TIMEOUT_MS)
    {
      kill(pid, SIGKILL) ;
      if (wait_pid(pid, &wstat) < 0) strerr_diefu2sys(111, "wait for ", argv[0]) ;
      strerr_warnw3x(argv[0], " did not finish in time: killed", infile ? " (a line it cannot parse?)" : "") ;
      return 111 ;
    }
    nanosleep(&ts, 0) ;
  }
  return WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 111 ;
}

/* qmail-newmrh: one key per line, lowercased, empty data; written aside, fsynced, renamed */
static void make_mrh (void)
{
  stralloc lines = STRALLOC_ZERO ;
  cdbmaker cm = CDBMAKER_ZERO ;
  int fd ;
  if (control_readlines(&lines, MRH_SRC) < 0) strerr_diefu2sys(111, "read ", MRH_SRC) ;
  fd = open_trunc(MRH_TMP) ;
  if (fd < 0) strerr_diefu2sys(111, "create ", MRH_TMP) ;
  if (!cdbmake_start(&cm, fd)) goto err ;
  for (size_t i = 0 ; i < lines.len ; i += strlen(lines.s + i) + 1)
  {
    size_t n = strlen(lines.s + i) ;
    case_lowerb(lines.s + i, n) ;
    if (!cdbmake_add(&cm, lines.s + i, n, "", 0)) goto err ;
  }
  if (!cdbmake_finish(&cm) || fsync(fd) < 0) goto err ;
  fd_close(fd) ;
  if (rename(MRH_TMP, MRH_CDB) < 0) strerr_diefu4sys(111, "rename ", MRH_TMP, " to ", MRH_CDB) ;
  stralloc_free(&lines) ;
  return ;
 err:
  unlink(MRH_TMP) ;
  strerr_diefu2sys(111, "write ", MRH_TMP) ;
}

/* the recipients map, when the check is on and the map is missing, corrupt or older than a
   source (berth-newu above rebuilt it already when users/assign changed) */
static void rcptmap_reload (void)
{
  rcptmap m = RCPTMAP_ZERO ;
  int stale = 1 ;
  if (access(RCPTMAP_CONTROL, F_OK) < 0)
  {
    if (errno != ENOENT) strerr_diefu2sys(111, "access ", RCPTMAP_CONTROL) ;
    return ;
  }
  if (rcptmap_open(&m, RCPTMAP_FILE))
  {
    stale = rcptmap_stale(&m) ;
    rcptmap_close(&m) ;
  }
  if (!stale) return ;
  if (!rcptmap_build()) strerr_diefu2sys(111, "build ", RCPTMAP_FILE) ;
  strerr_warni2x("rebuilt ", RCPTMAP_FILE) ;
}

int main (int argc, char const *const *argv)
{
  int e = 0 ;
  PROG = "berth-reload" ;
  berth_stdopts(argc, argv, USAGE) ;
  (void)argv ;
  if (argc > 1) strerr_dieusage(100, USAGE) ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (stale(TCP_SRC, TCP_CDB))
  {
    char const *a[] = { "tcprules", TCP_CDB, TCP_TMP, 0 } ;
    int r = run(a, TCP_SRC) ;
    if (r) { strerr_warnwu2x("rebuild ", TCP_CDB) ; e = e ? e : r ; }
    else strerr_warni2x("rebuilt ", TCP_CDB) ;
  }
  if (stale(MRH_SRC, MRH_CDB)) { make_mrh() ; strerr_warni2x("rebuilt ", MRH_CDB) ; }
  if (stale(ASSIGN_SRC, ASSIGN_CDB))
  {
    stralloc newu = STRALLOC_ZERO ;
    char const *a[2] = { 0, 0 } ;
    int r ;
    if (!berth_sibling(&newu, "berth-newu") || !stralloc_0(&newu)) strerr_diefu1sys(111, "find berth-newu") ;
    a[0] = newu.s ;
    r = run(a, 0) ;
    if (r) { strerr_warnwu2x("rebuild ", ASSIGN_CDB) ; e = e ? e : r ; }
    else
    {
      strerr_warni2x("rebuilt ", ASSIGN_CDB) ;
      if (!access(RCPTMAP_CONTROL, F_OK)) strerr_warni2x("rebuilt ", RCPTMAP_FILE) ;   /* berth-newu did */
    }
    stralloc_free(&newu) ;
  }
  rcptmap_reload() ;
  {  /* berth-send rereads locals, virtualdomains and its other control files on SIGHUP */
    char const *ok[] = { "s6-svok", SEND_SVC, 0 } ;
    char const *hup[] = { "s6-svc", "-h", SEND_SVC, 0 } ;
    if (access(SEND_SVC, F_OK) < 0 || run(ok, 0)) strerr_warnw1x("berth-send is not supervised here (" SEND_SVC "): send it SIGHUP yourself") ;
    else if (run(hup, 0)) { strerr_warnwu1x("signal berth-send (s6-svc -h " SEND_SVC ")") ; e = e ? e : 111 ; }
    else strerr_warni1x("told berth-send to reread its control files") ;
  }
  return e ;
}
