/* ISC license. */
/* berth-showctl: what its files share. table.c: every file of control/ berth knows; show.c: one
   setting's line; checks.c: the warnings that look at more than one file. */
#ifndef BERTH_SHOWCTL_H
#define BERTH_SHOWCTL_H

#include <skalibs/stralloc.h>

/* K_SECRET: never printed; only its presence, entry count and whether its mode is private */
typedef enum kind_e { K_LINE, K_NUM, K_LIST, K_CDB, K_SECRET } kind ;

typedef struct ctl_s ctl, *ctl_ref ;
struct ctl_s
{
  char const *name ;
  kind k ;
  char const *dflt ;   /* shown when absent; "me" means the value of control/me */
  char const *what ;
} ;

/* the settings, in the order they are shown; ends with a null name */
extern ctl const showctl_table[] ;

/* 1 when name (a file in control/) is a setting or a file berth writes there itself (a
   compiled cdb, a temporary being written), else 0 */
extern int showctl_known (char const *name) ;

/* one warning line into ws; returns 1 */
extern unsigned int showctl_warn (stralloc *ws, char const *a, char const *b, char const *c) ;

/* prints c's line (or nothing when onlyset and the file is absent); returns its warnings */
extern unsigned int showctl_show (ctl const *c, char const *me, int onlyset, stralloc *ws) ;

/* every file of control/ that showctl_known does not know; returns the warnings */
extern unsigned int showctl_unknown (stralloc *ws) ;

/* every compiled file older than its source, or missing while its source has entries */
extern unsigned int showctl_stale (stralloc *ws) ;

/* a domain both in locals and in virtualdomains, a virtualdomains line without a colon */
extern unsigned int showctl_virtual (char const *me, size_t melen, stralloc *ws) ;

#endif
