/* ISC license. */
/* bench/exec-cost: mean wall time of vfork+exec+wait of each program given, alternating them,
   N rounds. Used to choose static or dynamic linking. usage: exec-cost N prog... */

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ ;

static double now (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return ts.tv_sec + ts.tv_nsec / 1e9 ;
}

int main (int argc, char **argv)
{
  int n = argc > 2 ? atoi(argv[1]) : 0 ;
  int k = argc - 2 ;
  double *total = calloc(k > 0 ? k : 1, sizeof *total) ;
  if (n <= 0 || !total) { fprintf(stderr, "usage: exec-cost N prog...\n") ; return 100 ; }
  for (int i = 0 ; i < n ; i++)
    for (int j = 0 ; j < k ; j++)
    {
      char *args[2] = { argv[2 + j], 0 } ;
      pid_t pid ;
      int w ;
      double t = now() ;
      if (posix_spawn(&pid, args[0], 0, 0, args, environ)) { perror("posix_spawn") ; return 111 ; }
      waitpid(pid, &w, 0) ;
      total[j] += now() - t ;
    }
  for (int j = 0 ; j < k ; j++) printf("%-40s %8.1f us per spawn+exec+exit\n", argv[2 + j], total[j] / n * 1e6) ;
  for (int j = 1 ; j < k ; j++) printf("ratio %s / %s: %.2f\n", argv[2 + j], argv[2], total[j] / total[0]) ;
  return 0 ;
}
