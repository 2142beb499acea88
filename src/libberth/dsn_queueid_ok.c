/* ISC license. */

#include <string.h>
#include <berth/dsn.h>
#include <berth/queue.h>

int dsn_queueid_ok (char const *id, unsigned int minb, unsigned int maxb)
{
  size_t len = strlen(id), i = 0, b = 0 ;
  if (!len || len >= QUEUE_ID_MAX - DSN_ID_MAXB || id[0] < '0' || id[0] > '9') return 0 ;
  while (i < len && ((id[i] >= '0' && id[i] <= '9') || id[i] == '.')) i++ ;
  while (i + b < len && (id[i + b] == DSN_ID_SUFFIX || id[i + b] == DSN_ID_SUFFIX_DELAY)) b++ ;
  return i + b == len && b >= minb && b <= maxb ;
}
