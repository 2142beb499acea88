/* ISC license. */
/* berth_spawn (src/libberth/berth_spawn.c): fds put on the numbers asked, PATH search without a
   slash, SIGPIPE ignored by the caller restored to its default only with BERTH_SPAWN_SIGDEFAULT,
   the caller's blocked signals unblocked only with BERTH_SPAWN_SIGBLOCKNONE, 0 and errno when the
   program does not exist. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <berth/spawn.h>
#include "tap.h"

/* the child's signal sets as the kernel shows them: blocked, then ignored (hex masks), on its fd 1 */
#define SCRIPT "s/^Sig\\(Blk\\|Ign\\):[[:space:]]*/up /p"

/* runs the script with flags; its output in out; the pid's exit status, or -1 */
static int run (char const *prog, uint16_t flags, char *out, size_t len)
{
  char const *argv[5] = { prog, "-n", SCRIPT, "/proc/self/status", 0 } ;
  int p[2] ;
  int wstat ;
  ssize_t r ;
  size_t n = 0 ;
  pid_t pid ;
  if (pipe(p) < 0) return -1 ;
  {
    berth_spawn_fa const fa[1] = { { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { 1, p[1] } } } ;
    pid = berth_spawn(prog, argv, (char const *const *)environ, flags, fa, 1) ;
  }
  close(p[1]) ;
  if (!pid) { close(p[0]) ; return -1 ; }
  while (n + 1 < len && (r = read(p[0], out + n, len - 1 - n)) > 0) n += r ;
  out[n] = 0 ;
  close(p[0]) ;
  if (waitpid(pid, &wstat, 0) != pid) return -1 ;
  return WIFEXITED(wstat) ? WEXITSTATUS(wstat) : -1 ;
}

/* bit sig of a /proc hex mask */
static int has (char const *mask, int sig)
{
  unsigned long long m = strtoull(mask, 0, 16) ;
  return !!(m & (1ULL << (sig - 1))) ;
}

int main (void)
{
  char out[512], blk[64], ign[64] ;
  char const *argv[2] = { "/nonexistent/berth-none", 0 } ;
  sigset_t set ;
  TAP_PLAN(7) ;
  signal(SIGPIPE, SIG_IGN) ;
  sigemptyset(&set) ; sigaddset(&set, SIGUSR1) ;
  sigprocmask(SIG_BLOCK, &set, 0) ;

  TAP_OK(!run("sed", 0, out, sizeof out) && !strncmp(out, "up ", 3), "a name without a slash is found in PATH; the fd copied (%s)", out) ;
  TAP_OK(sscanf(out, "up %63s\nup %63s", blk, ign) == 2 && has(ign, SIGPIPE) && has(blk, SIGUSR1),
    "no flags: SIGPIPE still ignored, SIGUSR1 still blocked") ;
  TAP_OK(!run("/bin/sed", BERTH_SPAWN_SIGDEFAULT, out, sizeof out) && sscanf(out, "up %63s\nup %63s", blk, ign) == 2
    && !has(ign, SIGPIPE) && has(blk, SIGUSR1), "BERTH_SPAWN_SIGDEFAULT: SIGPIPE at its default, the mask kept") ;
  TAP_OK(!run("/bin/sed", BERTH_SPAWN_SIGBLOCKNONE, out, sizeof out) && sscanf(out, "up %63s\nup %63s", blk, ign) == 2
    && has(ign, SIGPIPE) && !has(blk, SIGUSR1), "BERTH_SPAWN_SIGBLOCKNONE: nothing blocked, SIGPIPE still ignored") ;
  errno = 0 ;
  TAP_OK(!berth_spawn(argv[0], argv, (char const *const *)environ, 0, 0, 0) && errno == ENOENT, "a missing program: 0, ENOENT") ;
  {
    berth_spawn_fa const bad[1] = { { .type = (enum berth_spawn_fa_type_e)0, .x.fd = 0 } } ;
    errno = 0 ;
    TAP_OK(!berth_spawn("sh", argv, (char const *const *)environ, 0, bad, 1) && errno == EINVAL, "an unknown action: 0, EINVAL") ;
  }
  TAP_OK(run("/nonexistent/sed", 0, out, sizeof out) == -1, "nothing started: no pid to wait for") ;
  return TAP_DONE() ;
}
