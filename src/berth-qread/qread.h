/* ISC license. */
/* berth-qread's internal interfaces: text and JSON output of one message.
   Trust: see berth-qread.c. */
#ifndef BERTH_QREAD_H
#define BERTH_QREAD_H

#include <stdint.h>
#include <skalibs/stralloc.h>
#include <berth/qtool.h>

typedef struct qr_totals_s qr_totals ;
struct qr_totals_s
{
  uint64_t msgs ;
  uint64_t pending ;
} ;

extern void qr_puts (char const *) ;
extern void qr_putu (uint64_t) ;
extern void qr_safe (char const *, size_t) ;
extern void qr_dur (uint64_t seconds) ;

/* output.c */
extern void qr_text (qtool_msg const *, uint64_t now, stralloc const *down) ;
extern void qr_json (qtool_msg const *, uint64_t now, int first) ;
extern void qr_count (qtool_msg const *, qr_totals *) ;

/* dests.c: queue/lock/destinations (berth-send's destinations) */
extern void qr_dests_print (void) ;
extern void qr_dests_down (stralloc *down) ;   /* the domains marked down, each NUL-terminated */
extern int qr_dest_isdown (stralloc const *down, char const *addr) ;

#endif
