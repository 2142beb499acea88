/* ISC license. */
/* berth-smtpd's entry point under tcpserver: everything else is smtpd_main (berth-smtpd.c), which
   berth-listen also runs in its forked children. */

#include <skalibs/strerr.h>
#include <berth/smtpd.h>
#include <berth/stdopts.h>

#define SYNOPSIS "tcpserver -HRl0 -u UID -g GID 0 25 berth-smtpd\ns6-envuidgid smtpuser berth-listen -U -HR -x tcp.smtp.cdb 0 25"

int main (int argc, char const *const *argv)
{
  PROG = "berth-smtpd" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  smtpd_main() ;
}
