/* ISC license. */
/* berth_spawn (berth/spawn.h): posix_spawnp with cspawn's interface. berth-smtpd runs berth-queue
   with it for every message, berth-rspawn an exec'ed remote program for every job.
   Trust: the caller's program and fds; nothing here reads input. */

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <berth/spawn.h>

pid_t berth_spawn (char const *prog, char const *const *argv, char const *const *envp, uint16_t flags, berth_spawn_fa const *fa, size_t n)
{
  posix_spawn_file_actions_t actions ;
  posix_spawnattr_t attr ;
  sigset_t empty, def ;
  short pflags = 0 ;
  pid_t pid ;
  int e ;
  sigemptyset(&empty) ;
  sigemptyset(&def) ;
  sigaddset(&def, SIGPIPE) ;
  sigaddset(&def, SIGCHLD) ;
  e = posix_spawn_file_actions_init(&actions) ;
  if (e) goto err ;
  e = posix_spawnattr_init(&attr) ;
  if (e) goto erractions ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (fa[i].type != BERTH_SPAWN_FA_COPY) { e = EINVAL ; goto errattr ; }
    e = posix_spawn_file_actions_adddup2(&actions, fa[i].x.fd2[1], fa[i].x.fd2[0]) ;
    if (e) goto errattr ;
  }
  if (flags & BERTH_SPAWN_SIGBLOCKNONE)
  {
    e = posix_spawnattr_setsigmask(&attr, &empty) ;
    if (e) goto errattr ;
    pflags |= POSIX_SPAWN_SETSIGMASK ;
  }
  if (flags & BERTH_SPAWN_SIGDEFAULT)
  {
    e = posix_spawnattr_setsigdefault(&attr, &def) ;
    if (e) goto errattr ;
    pflags |= POSIX_SPAWN_SETSIGDEF ;
  }
  e = posix_spawnattr_setflags(&attr, pflags) ;
  if (e) goto errattr ;
  e = posix_spawnp(&pid, prog, &actions, &attr, (char *const *)argv, (char *const *)envp) ;
 errattr:
  posix_spawnattr_destroy(&attr) ;
 erractions:
  posix_spawn_file_actions_destroy(&actions) ;
 err:
  if (e) { errno = e ; return 0 ; }
  return pid ;
}
