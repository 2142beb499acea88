/* ISC license. */
/* The environment berth-local is exec'ed with as the recipient (multi-user mode): not the
   supervisor's (root's PATH, s6-envuidgid's UID and GID of another account, whatever the admin's
   run script exported), which the recipient could read in /proc; only what berth-local itself
   uses: a fixed PATH, and $QMAILQUEUE and $BERTH_HOME when set (its forwards; a set-uid
   berth-queue ignores BERTH_HOME); and for a kept child the fd of its control socket, which
   berth-local removes from its environment before anything runs. Trust: our own environment,
   from the supervisor. */

#include <string.h>
#include <skalibs/posixplz.h>
#include <berth/kept.h>
#include "lspawn.h"

#define KEPT_ENV_WORD KEPT_ENV_FD "=3"
_Static_assert(KEPT_CTL_FD == 3, "KEPT_ENV_WORD names KEPT_CTL_FD") ;

void local_env (char const **envp, int kept)
{
  static char const *const pass[LOCAL_ENV_PASS] = { "QMAILQUEUE=", "BERTH_HOME=" } ;
  size_t n = 0 ;
  envp[n++] = LOCAL_PATH ;
  if (kept) envp[n++] = KEPT_ENV_WORD ;
  for (size_t i = 0 ; i < LOCAL_ENV_PASS ; i++)
  {
    size_t len = strlen(pass[i]) ;
    for (char const *const *e = (char const *const *)environ ; *e ; e++)
      if (!strncmp(*e, pass[i], len)) { envp[n++] = *e ; break ; }
  }
  envp[n] = 0 ;
}
