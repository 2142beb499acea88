/* ISC license. */
/* Starting a program with posix_spawn (a vfork underneath: about half the cost of fork+exec),
   shaped like skalibs 2.14's cspawn() so that moving to it is a rename: the same arguments, file
   actions and flag values (libberth/berth_spawn.c). The skalibs installed here (2.13) has no
   cspawn; child_spawn* cannot put several given fds on given numbers. */
#ifndef BERTH_SPAWN_H
#define BERTH_SPAWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* the child's signal mask empty (cspawn's CSPAWN_FLAGS_SIGBLOCKNONE) */
#define BERTH_SPAWN_SIGBLOCKNONE 0x0002U
/* SIGPIPE and SIGCHLD at their defaults in the child, not ignored as in the caller (cspawn has
   no such flag: with it, the caller restores them around the call) */
#define BERTH_SPAWN_SIGDEFAULT 0x0100U

/* only the action the callers use; cspawn's others (close, move, open, chdir) come with it */
enum berth_spawn_fa_type_e
{
  BERTH_SPAWN_FA_COPY = 1   /* cspawn's CSPAWN_FA_COPY */
} ;

/* BERTH_SPAWN_FA_COPY: fd2[0] in the child is a copy of the caller's fd2[1] (fd_copy's order);
   the actions run in order, so a later source must not be an earlier target. */
typedef struct berth_spawn_fa_s berth_spawn_fa ;
struct berth_spawn_fa_s
{
  enum berth_spawn_fa_type_e type ;
  union { int fd ; int fd2[2] ; } x ;
} ;

/* Runs prog (searched in PATH when it has no slash) with argv and envp after the n actions in fa.
   The child's pid, or 0 with errno set (nothing was started). */
extern pid_t berth_spawn (char const *prog, char const *const *argv, char const *const *envp, uint16_t flags, berth_spawn_fa const *fa, size_t n) ;

#endif
