/* ISC license. */
/* berth-local kept by berth-lspawn: after a delivery that succeeded, the next job comes on the
   control socket instead of a new fork (berth/kept.h, doc/berth-lspawn.md). In single-user mode
   this code runs in berth-lspawn's forked child as the instance owner; as root, in this program
   exec'ed as the recipient (main.c), which only ever gets jobs for its own uid and gid. Every
   failure still exits (say_die), so a kept child has only ever returned from local_main. Each job
   is a whole local_main: chdir, umask, the programs' environment built again (environ is never
   touched), .qmail; the rules for code run this way are doc/guests.md. Trust: as berth-local.c;
   the words come from berth-lspawn as argv did. */

#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/kept.h>
#include "local.h"


int local_serve (int argc, char const *const *argv, int ctl)
{
  stralloc store = STRALLOC_ZERO ;
  genalloc args = GENALLOC_ZERO ;   /* char const * */
  int r = local_main(argc, argv) ;
  while (!r)
  {
    char const *v[LOCAL_ARGS + 3] ;
    unsigned int n ;
    fd_close(1) ;   /* the end of this job's report: berth-lspawn reads EOF */
    fd_close(2) ;
    if (!kept_next(ctl, &store, &args, &n)) break ;
    if (n != LOCAL_ARGS || fd_copy(2, 1) < 0) _exit(LOCAL_TEMP) ;
    v[0] = argv[0] ; v[1] = "--" ;
    for (unsigned int i = 0 ; i < LOCAL_ARGS ; i++) v[i+2] = genalloc_s(char const *, &args)[i] ;
    v[LOCAL_ARGS + 2] = 0 ;
    r = local_main(LOCAL_ARGS + 2, v) ;
  }
  return r ;
}
