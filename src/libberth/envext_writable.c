/* ISC license. */
/* Whether a writer may send E and R records to its queue program: a real qmail-queue, or a
   QMAILQUEUE filter that parses the envelope, refuses them (91), so only to berth's own.
   Trust: the writer's environment, set by its admin. */

#include <string.h>
#include <berth/envext.h>

static char const *const own[] = { "berth-queue", "berth-milter", 0 } ;

int envext_writable (char const *qqprog, char const *qqext)
{
  char const *base ;
  if (qqext && !strcmp(qqext, "1")) return 1 ;
  if (!qqprog || !*qqprog) return 1 ;
  base = strrchr(qqprog, '/') ;
  base = base ? base + 1 : qqprog ;
  for (unsigned int i = 0 ; own[i] ; i++) if (!strcmp(base, own[i])) return 1 ;
  return 0 ;
}
