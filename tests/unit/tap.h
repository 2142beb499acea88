/* ISC license. */
/* Minimal TAP output for the table-driven unit tests. */
#ifndef BERTH_TAP_H
#define BERTH_TAP_H

#include <stdio.h>

static unsigned int tap_n = 0, tap_failed = 0 ;

#define TAP_PLAN(n) printf("1..%u\n", (unsigned int)(n))
#define TAP_OK(cond, ...) do { \
  tap_n++ ; \
  if (!(cond)) { tap_failed++ ; printf("not ok %u - ", tap_n) ; } else printf("ok %u - ", tap_n) ; \
  printf(__VA_ARGS__) ; printf("\n") ; \
} while (0)
#define TAP_DONE() (printf("# %u passed, %u failed\n", tap_n - tap_failed, tap_failed), tap_failed ? 1 : 0)

#endif
