/* ISC license. */
/* berth-tlsrpt: the report as a message (RFC 8460 5.3): multipart/report; report-type="tlsrpt",
   a text part, and the JSON gzipped as application/tlsrpt+gzip named
   SENDER!POLICY-DOMAIN!BEGIN!END.json.gz, committed through the queue program as any injected
   message. Trust: the queue program is trusted; the rua addresses were checked by the parser. */

#include <string.h>
#include <time.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/base64.h>
#include <berth/date822.h>
#include <berth/qq.h>
#include <berth/qqrun.h>
#include <berth/tlsrpt.h>
#include "tlsrpt.h"

#define BOUNDARY "berth-tlsrpt=_part"     /* '=' and '_' never occur in base64 lines */
#define B64_LINE 76                       /* RFC 2045 6.8 */
#define DAY_SECS 86400

static int cat3 (stralloc *sa, char const *a, char const *b, char const *c)
{
  return stralloc_cats(sa, a) && stralloc_cats(sa, b) && stralloc_cats(sa, c) ;
}

/* the attachment: the JSON gzipped, in base64 lines */
static int attachment (stralloc *sa, stralloc const *json)
{
  stralloc gz = STRALLOC_ZERO, b64 = STRALLOC_ZERO ;
  int ok = gzip_stored(&gz, json->s, json->len) && base64_encode(&b64, gz.s, gz.len) ;
  for (size_t i = 0 ; ok && i < b64.len ; i += B64_LINE)
    ok = stralloc_catb(sa, b64.s + i, b64.len - i < B64_LINE ? b64.len - i : B64_LINE) && stralloc_catb(sa, "\n", 1) ;
  stralloc_free(&gz) ;
  stralloc_free(&b64) ;
  return ok ;
}

static int compose (stralloc *sa, reporter const *r, char const *domain, uint64_t begin, char const *id,
  stralloc const *json, char const *rua, size_t rualen)
{
  char date[DATE822_FMT + 1] ;
  char b[UINT64_FMT], e[UINT64_FMT] ;
  date[date822_fmt(date, time(0))] = 0 ;
  b[uint64_fmt(b, begin)] = 0 ;
  e[uint64_fmt(e, begin + DAY_SECS - 1)] = 0 ;
  if (!cat3(sa, "From: ", r->contact, "\n") || !cat3(sa, "Date: ", date, "\n") || !stralloc_cats(sa, "To: ")) return 0 ;
  for (size_t i = 0 ; i < rualen ; i += strlen(rua + i) + 1)
    if (!cat3(sa, i ? ",\n " : "", rua + i, "")) return 0 ;
  return cat3(sa, "\nSubject: Report Domain: ", domain, " Submitter: ")
   && cat3(sa, r->org, " Report-ID: <", id) && stralloc_cats(sa, ">\n")
   && cat3(sa, "TLS-Report-Domain: ", domain, "\n")
   && cat3(sa, "TLS-Report-Submitter: ", r->org, "\n")
   && cat3(sa, "Message-ID: <", id, ">\n")
   && stralloc_cats(sa, "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=\"tlsrpt\";\n boundary=\"" BOUNDARY "\"\n\n"
        "This is a MIME-formatted message.\n\n--" BOUNDARY "\nContent-Type: text/plain; charset=us-ascii\n\n")
   && cat3(sa, "This is an aggregate TLS report (RFC 8460) from ", r->org, " for ")
   && cat3(sa, domain, ": the TLS outcomes of our deliveries to it, in the attachment.\n\n--" BOUNDARY "\n", "")
   && stralloc_cats(sa, "Content-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment;\n filename=\"")
   && cat3(sa, r->sender, "!", domain) && cat3(sa, "!", b, "!") && cat3(sa, e, ".json.gz\"\n\n", "")
   && attachment(sa, json)
   && stralloc_cats(sa, "\n--" BOUNDARY "--\n") ;
}

static int fail (char *text, int code)
{
  char const *t = qq_text(code) ;
  size_t n = strlen(t) ;
  if (n >= QQRUN_TEXT_MAX) n = QQRUN_TEXT_MAX - 1 ;
  memcpy(text, t, n) ; text[n] = 0 ;
  return code ;
}

int send_report (reporter const *r, char const *domain, uint64_t begin, char const *id,
  stralloc const *json, char const *rua, size_t rualen, char *text)
{
  stralloc msg = STRALLOC_ZERO, prog = STRALLOC_ZERO ;
  qqrun q = QQRUN_ZERO ;
  char qid[QQRUN_TEXT_MAX] ;
  char const *path ;
  int code ;
  text[0] = 0 ;
  if (!compose(&msg, r, domain, begin, id, json, rua, rualen) || !(path = qqrun_prog(&prog)))
  {
    stralloc_free(&msg) ;
    return fail(text, QQ_NOMEM) ;
  }
  if (!qqrun_start(&q, path))
  {
    stralloc_free(&msg) ; stralloc_free(&prog) ;
    return fail(text, QQ_EXEC_FAILED) ;
  }
  if (allwrite(q.msgfd, msg.s, msg.len) < msg.len)
  {
    qqrun_abort(&q) ;
    stralloc_free(&msg) ; stralloc_free(&prog) ;
    return fail(text, QQ_WRITE) ;
  }
  code = qqrun_finish(&q, r->contact, rua, rualen, text, qid, sizeof qid) ;
  stralloc_free(&msg) ; stralloc_free(&prog) ;
  return code ;
}
