/* ISC license. */
/* berth's limits on one envelope, shared by its writers (berth-queue, berth-smtpd in process)
   and its reader (berth-send), so that what one accepts the other takes.
   Trust: control/ is the admin's. */

#include <berth/control.h>
#include <berth/envelope.h>

int envelope_limits (size_t *maxrcpt, size_t *maxbytes)
{
  unsigned long r, b ;
  if (control_readulong(&r, ENVELOPE_RCPTS_FILE, ENVELOPE_RCPTS_DEFAULT) <= 0
   || control_readulong(&b, ENVELOPE_BYTES_FILE, ENVELOPE_BYTES_DEFAULT) <= 0) return -1 ;
  *maxrcpt = r ? r : ENVELOPE_RCPTS_DEFAULT ;
  *maxbytes = b ? b : ENVELOPE_BYTES_DEFAULT ;
  return 0 ;
}

int envscan_limits (envscan *e)
{
  return envelope_limits(&e->maxrcpt, &e->maxbytes) ;
}

char const *envscan_text (envscan const *e)
{
  return e->over == ENVSCAN_OVER_RCPTS
    ? "Dtoo many recipients for one message (#5.5.3)"
    : "Dmessage envelope too big (#5.3.4)" ;
}
