/* ISC license. */
/* libFuzzer target: SMTP paths and MAIL/RCPT parameters, as berth-smtpd reads them. Checks the
   parser's promises: consumed bytes within the input, the result NUL-terminated and shorter than
   qmail's limit, no NUL/CR/LF in an accepted address, `at` within the address. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/qq.h>
#include <berth/smtpaddr.h>

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  stralloc sa = STRALLOC_ZERO ;
  smtpaddr a = SMTPADDR_ZERO ;
  smtpparam p = SMTPPARAM_ZERO ;
  int lit ;
  ssize_t r = smtpaddr_parse(&sa, &a, (char const *)data, size) ;
  if (r > 0)
  {
    if ((size_t)r > size || sa.len >= QQ_ADDR_MAX || sa.s[sa.len] != 0) abort() ;
    if (memchr(sa.s, 0, sa.len) || memchr(sa.s, '\r', sa.len) || memchr(sa.s, '\n', sa.len)) abort() ;
    if (a.at > sa.len) abort() ;
    smtpparam_parse(&p, (char const *)data + r, size - r, data[0] & 1 ? SMTPPARAM_RCPT : SMTPPARAM_MAIL) ;
  }
  smtpaddr_domain_ok((char const *)data, size, &lit) ;
  stralloc_free(&sa) ;
  return 0 ;
}
