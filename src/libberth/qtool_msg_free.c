/* ISC license. */
/* The queue tools: frees a message view. */

#include <berth/qtool.h>

void qtool_msg_free (qtool_msg *m)
{
  stralloc_free(&m->data) ;
  stralloc_free(&m->tmp) ;
  genalloc_free(qtool_rcpt, &m->rcpts) ;
}
