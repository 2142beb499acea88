/* ISC license. */
/* berth-local's entry point. The program is local_main (berth-local.c), which berth-lspawn also
   runs directly in a forked child when it is not root (doc/berth-lspawn.md). */

#include "local.h"

int main (int argc, char const *const *argv)
{
  return local_main(argc, argv) ;
}
