/* ISC license. */
/* libFuzzer target: what berth-bounce does with delivery texts (remote servers' replies among
   them): bounce records (dsn_records_parse), the status code (dsn_status), the host and reply
   (dsn_diag_parse), and the cleaned, folded lines (dsn_clean, dsn_fold). Checks: offsets inside
   the input; the status a short string of class 5; cleaned text printable ASCII; every folded
   line ends in LF and is at most DSN_LINE_MAX bytes. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/dsn.h>

#define INDENT "   "

static void check_folded (stralloc const *sa)
{
  size_t col = 0 ;
  if (!sa->len || sa->s[sa->len - 1] != '\n') abort() ;
  for (size_t i = 0 ; i < sa->len ; i++)
  {
    if (sa->s[i] == '\n') { col = 0 ; continue ; }
    if ((unsigned char)sa->s[i] < 32 || (unsigned char)sa->s[i] > 126 || ++col > DSN_LINE_MAX) abort() ;
  }
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data ;
  genalloc ga = GENALLOC_ZERO ;
  stralloc clean = STRALLOC_ZERO, folded = STRALLOC_ZERO ;
  char status[DSN_STATUS_MAX + 1] ;
  dsn_diag d = DSN_DIAG_ZERO ;
  int n = dsn_records_parse(&ga, s, size) ;
  if (n < 0) abort() ;
  for (int i = 0 ; i < n ; i++)
  {
    dsn_rcpt const *r = genalloc_s(dsn_rcpt, &ga) + i ;
    if (r->addr > size || r->addrlen > size - r->addr || r->text > size || r->textlen > size - r->text) abort() ;
  }
  memset(status, 0xff, sizeof status) ;
  dsn_status(status, s, size) ;
  if (!memchr(status, 0, DSN_STATUS_MAX) || status[0] != DSN_CLASS_PERMANENT) abort() ;
  dsn_diag_parse(&d, s, size) ;
  if (d.host > size || d.hostlen > size - d.host || d.reply > size || d.replylen > size - d.reply) abort() ;
  if (!dsn_clean(&clean, s, size, 0)) abort() ;
  for (size_t i = 0 ; i < clean.len ; i++) if ((unsigned char)clean.s[i] < 32 || (unsigned char)clean.s[i] > 126) abort() ;
  if (!dsn_fold(&folded, INDENT, clean.s, clean.len, INDENT, DSN_FOLD_WIDTH)) abort() ;
  check_folded(&folded) ;
  genalloc_free(dsn_rcpt, &ga) ;
  stralloc_free(&clean) ; stralloc_free(&folded) ;
  return 0 ;
}
