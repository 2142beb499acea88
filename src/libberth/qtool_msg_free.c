/* ISC license. */
/* The queue tools: frees a message view. */

#include <berth/qtool.h>

void qtool_msg_free (qtool_msg *m)
{
  stralloc_free(&m->data) ;
  stralloc_free(&m->tmp) ;
  stralloc_free(&m->hold) ;
  genalloc_free(qtool_rcpt, &m->rcpts) ;
}
