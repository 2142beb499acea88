/* ISC license. */
/* berth-smtpd's entry point under tcpserver: everything else is smtpd_main (berth-smtpd.c), which
   berth-listen also runs in its forked children. */

#include <berth/smtpd.h>

int main (void)
{
  smtpd_main() ;
}
