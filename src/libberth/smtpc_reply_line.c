/* ISC license. */

#include <berth/smtpc.h>

#define CODE_LEN 3

int smtpc_reply_line (char const *s, size_t len, unsigned int *code, int *more)
{
  unsigned int c = 0 ;
  if (len < CODE_LEN) return 0 ;
  for (unsigned int i = 0 ; i < CODE_LEN ; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0 ;
    c = c * 10 + (s[i] - '0') ;
  }
  if (s[0] < '2' || s[0] > '5') return 0 ;
  if (len > CODE_LEN && s[CODE_LEN] != ' ' && s[CODE_LEN] != '-') return 0 ;
  *code = c ;
  *more = len > CODE_LEN && s[CODE_LEN] == '-' ;
  return 1 ;
}
