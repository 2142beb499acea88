/* ISC license. */
/* The capabilities of a whole EHLO reply, as berth-remote holds it: lines NUL-terminated, CRLF
   removed, the code still in front. Trust: the reply is any remote server's; each line is only
   read within its own length. */

#include <string.h>
#include <berth/smtpc.h>

#define EHLO_PREFIX_LEN 4   /* "250-" or "250 " */

void smtpc_ehlo_reply (smtpc_caps *caps, char const *lines, size_t len)
{
  size_t i ;
  if (!len) return ;
  i = strlen(lines) + 1 ;   /* the first line is the greeting */
  while (i < len)
  {
    size_t n = strlen(lines + i) ;
    if (n > EHLO_PREFIX_LEN) smtpc_ehlo_line(caps, lines + i + EHLO_PREFIX_LEN, n - EHLO_PREFIX_LEN) ;
    i += n + 1 ;
  }
}
