/* ISC license. */

#include <berth/queue.h>

/* digits and dots, starting with a digit, then at most QUEUE_ID_BOUNCES of 'B' (a bounce "xB",
   a double bounce "xBB") or 'D' (a delay warning "xD"): nothing that could name a path outside the queue directory */
int queue_id_ok (char const *id)
{
  unsigned int b = 0 ;
  if (*id < '0' || *id > '9') return 0 ;
  for (; *id && *id != 'B' && *id != 'D' ; id++) if ((*id < '0' || *id > '9') && *id != '.') return 0 ;
  for (; *id == 'B' || *id == 'D' ; id++) b++ ;
  return !*id && b <= QUEUE_ID_BOUNCES ;
}
