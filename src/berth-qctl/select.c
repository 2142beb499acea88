/* ISC license. */
/* berth-qctl: selecting messages by sender, recipient or domain by reading the queue
   (read-only, like berth-qread). Trust: queue files (queue owner). */

#include <skalibs/strerr.h>
#include <berth/qtool.h>
#include "qctl.h"

typedef struct selected_s selected ;
struct selected_s
{
  sel const *s ;
  stralloc *out ;
} ;

static void one (qtool_msg const *m, void *data)
{
  selected *x = data ;
  if (x->s->from && !qtool_match(m, 'f', x->s->from)) return ;
  if (x->s->rcpt && !qtool_match(m, 'r', x->s->rcpt)) return ;
  if (x->s->domain && !qtool_match(m, 'd', x->s->domain)) return ;
  if (!stralloc_cats(x->out, m->id) || !stralloc_0(x->out)) strerr_diefu1sys(111, "allocate") ;
}

void select_ids (sel const *s, stralloc *out)
{
  selected x = { .s = s, .out = out } ;
  qtool_walk(&one, &x) ;
}
