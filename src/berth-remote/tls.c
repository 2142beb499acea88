/* ISC license. */
/* berth-remote: the STARTTLS hook, called after EHLO when the peer offers STARTTLS.
   No TLS in this build: the session goes on in cleartext. The TLS helper replaces this file
   (send STARTTLS, run the handshake, redo EHLO, refill caps). */

#include "remote.h"

int remote_starttls (rconn *c, rcfg const *cfg, smtpc_caps *caps, rreport *rep)
{
  (void)c ; (void)cfg ; (void)caps ; (void)rep ;
  return 1 ;
}
