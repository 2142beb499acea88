/* ISC license. */
/* berth-tlsrpt: sends the TLS-RPT (RFC 8460) reports of finished days, then removes their
   records (doc/berth-tlsrpt.md). For each policy domain's file of queue/tlsrpt/DAY/ (written by
   berth-remote): the _smtp._tls TXT record's mailto: addresses get the day's JSON report,
   gzipped, as a message through the queue. A DNS failure keeps the file for the next run, for
   TLSRPT_KEEP_DAYS at most. -d DAY reports that day only, -n prints the JSON instead.
   Trust: the records are berth-remote's; the TXT record is the network's (checked parser);
   control/tlsrpt is the administrator's. Runs as the remote user (the records are its). */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/direntry.h>
#include <skalibs/djbunix.h>
#include <skalibs/sgetopt.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/dns.h>
#include <berth/home.h>
#include <berth/mtasts.h>
#include <berth/qqrun.h>
#include <berth/stdopts.h>
#include <berth/tlsrpt.h>
#include "tlsrpt.h"

#define USAGE "berth-tlsrpt [ -n ] [ -d YYYY-MM-DD ]"
#define SYNOPSIS USAGE
#define DNS_TIMEOUT 5
#define DNS_TRIES 2
#define DAY_SECS 86400
#define TXT_PREFIX "_smtp._tls."

#define DONE 0      /* reported, or nothing to report: the file goes */
#define KEEP 1      /* a temporary failure: the file stays for the next run */

typedef struct run_s run ;
struct run_s
{
  reporter r ;
  int print ;                    /* -n */
  int dnsready ;                 /* 1 set up, -1 failed, 0 not yet */
  struct __res_state rs ;
  uint64_t today ;               /* today's 00:00 UTC */
} ;

/* control/tlsrpt's first line: ORGANIZATION CONTACT (the last word an address). 0: no file */
static int reporter_read (reporter *r, stralloc *sa)
{
  char *w, *at ;
  int n = control_readline(sa, TLSRPT_CONTROL, 0) ;
  if (n < 0) strerr_diefu2sys(111, "read ", TLSRPT_CONTROL) ;
  if (!n) return 0 ;
  if (!stralloc_0(sa)) strerr_diefu1sys(111, "allocate") ;
  w = strrchr(sa->s, ' ') ;
  {
    char *t = strrchr(sa->s, '\t') ;
    if (t > w) w = t ;
  }
  at = w ? strrchr(w, '@') : 0 ;
  if (!w || !at || at == w + 1 || !at[1] || strpbrk(w + 1, "<>\"\\,"))
    strerr_dief2x(100, TLSRPT_CONTROL, ": its first line must be the organization's name, then the contact address") ;
  *w = 0 ;
  while (w > sa->s && (w[-1] == ' ' || w[-1] == '\t')) *--w = 0 ;
  r->org = sa->s + strspn(sa->s, " \t") ;
  if (!*r->org) strerr_dief2x(100, TLSRPT_CONTROL, ": its first line has no organization name before the contact address") ;
  r->contact = w + 1 ;
  r->sender = at + 1 ;
  return 1 ;
}

/* the mailto: addresses of DOMAIN's _smtp._tls record into rua: 1 (maybe none), 0 DNS failed */
static int rua_find (run *x, char const *domain, stralloc *rua)
{
  stralloc txt = STRALLOC_ZERO ;
  char q[sizeof TXT_PREFIX + MTASTS_DOMAIN_MAX] ;
  unsigned int https = 0 ;
  int r ;
  if (!x->dnsready)
  {
    stralloc sa = STRALLOC_ZERO ;
    x->dnsready = dns_setup(&x->rs, dns_server_read(&sa), DNS_TIMEOUT, DNS_TRIES) ? 1 : -1 ;
    stralloc_free(&sa) ;
  }
  if (x->dnsready < 0) return 0 ;
  memcpy(q, TXT_PREFIX, sizeof TXT_PREFIX - 1) ;
  memcpy(q + sizeof TXT_PREFIX - 1, domain, strlen(domain) + 1) ;
  r = dns_txt(&x->rs, q, &txt) ;
  if (r == DNS_TEMP) { stralloc_free(&txt) ; return 0 ; }
  if (r == DNS_OK && tlsrpt_txt_pick(txt.s, txt.len, rua, &https) && !rua->len)
    strerr_warni3x("no report for ", domain, ": its rua has https: addresses only, which berth does not use") ;
  stralloc_free(&txt) ;
  return 1 ;
}

/* one policy domain's file of one day: DONE or KEEP */
static int domain_report (run *x, char const *path, char const *day, uint64_t begin, char const *domain)
{
  stralloc data = STRALLOC_ZERO, json = STRALLOC_ZERO, rua = STRALLOC_ZERO, id = STRALLOC_ZERO ;
  tlsrpt_meta m = { .org = x->r.org, .contact = x->r.contact, .domain = domain, .day = day } ;
  unsigned int bad ;
  int ret = DONE ;
  if (!openslurpclose(&data, path)) strerr_diefu2sys(111, "read ", path) ;
  if (!stralloc_cats(&id, day) || !stralloc_cats(&id, ".") || !stralloc_cats(&id, domain)
   || !stralloc_cats(&id, "@") || !stralloc_cats(&id, x->r.sender) || !stralloc_0(&id)) strerr_diefu1sys(111, "allocate") ;
  m.id = id.s ;
  if (!tlsrpt_json(&json, data.s, data.len, &m, &bad)) strerr_diefu1sys(111, "allocate") ;
  if (bad) strerr_warnw3x(path, ": skipped a line that is not a record: ", "a full disk or a crash cut it") ;
  if (x->print)
  {
    if (buffer_putflush(buffer_1, json.s, json.len) < 0) strerr_diefu1sys(111, "write to stdout") ;
    ret = KEEP ;
  }
  else if (!rua_find(x, domain, &rua))
  {
    strerr_warnw3x("lookup of " TXT_PREFIX, domain, " failed temporarily: the report waits for the next run") ;
    ret = KEEP ;
  }
  else if (!rua.len) strerr_warni3x("no report for ", domain, ": no valid TLSRPTv1 record with a mailto: rua") ;
  else
  {
    char text[QQRUN_TEXT_MAX] ;
    int code = send_report(&x->r, domain, begin, id.s, &json, rua.s, rua.len, text) ;
    if (!code) strerr_warni("report domain=", domain, " day=", day, " id=", id.s, " status=queued") ;
    else if (text[0] == 'D') strerr_warnw("report domain=", domain, " day=", day, " status=refused: ", text + 1) ;
    else
    {
      strerr_warnw("report domain=", domain, " day=", day, " status=deferred: ", text + !!text[0]) ;
      ret = KEEP ;
    }
  }
  stralloc_free(&data) ; stralloc_free(&json) ; stralloc_free(&rua) ; stralloc_free(&id) ;
  return ret ;
}

/* every domain's file of queue/tlsrpt/DAY; 1 when every one is done, 0 some wait */
static int day_report (run *x, char const *day)
{
  stralloc path = STRALLOC_ZERO ;
  uint64_t begin ;
  int old, all = 1 ;
  DIR *dir ;
  size_t base ;
  if (!tlsrpt_day_scan(day, &begin)) strerr_dief2x(100, "not a day (YYYY-MM-DD): ", day) ;
  old = x->today >= begin + TLSRPT_KEEP_DAYS * DAY_SECS ;
  if (!stralloc_cats(&path, TLSRPT_DIR "/") || !stralloc_cats(&path, day) || !stralloc_0(&path)) strerr_diefu1sys(111, "allocate") ;
  dir = opendir(path.s) ;
  if (!dir)
  {
    if (errno != ENOENT) strerr_diefu2sys(111, "open ", path.s) ;
    stralloc_free(&path) ;
    return 1 ;   /* no session recorded that day */
  }
  path.s[path.len - 1] = '/' ;
  base = path.len ;
  for (;;)
  {
    char name[MTASTS_DOMAIN_MAX + 1] ;
    direntry *d ;
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (!mtasts_domain_ok(d->d_name, name) || strcmp(name, d->d_name)) continue ;   /* dots */
    path.len = base ;
    if (!stralloc_cats(&path, name) || !stralloc_0(&path)) strerr_diefu1sys(111, "allocate") ;
    if (domain_report(x, path.s, day, begin, name) == KEEP)
    {
      if (x->print) continue ;
      if (!old) { all = 0 ; continue ; }
      strerr_warnw("giving up the report of ", name, " for ", day, ": older than the days a report waits") ;
    }
    if (unlink(path.s) < 0 && errno != ENOENT) strerr_diefu2sys(111, "remove ", path.s) ;
  }
  if (errno) strerr_diefu2sys(111, "read ", TLSRPT_DIR) ;
  dir_close(dir) ;
  path.s[base - 1] = 0 ;
  if (all && !x->print && rmdir(path.s) < 0 && errno != ENOENT && errno != ENOTEMPTY) strerr_warnwu2sys("remove ", path.s) ;
  stralloc_free(&path) ;
  return all ;
}

/* every finished day (before today) of queue/tlsrpt */
static int all_days (run *x)
{
  DIR *dir = opendir(TLSRPT_DIR) ;
  int all = 1 ;
  if (!dir) { if (errno == ENOENT) return 1 ; strerr_diefu2sys(111, "open ", TLSRPT_DIR) ; }
  for (;;)
  {
    uint64_t t ;
    direntry *d ;
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (!tlsrpt_day_scan(d->d_name, &t) || t >= x->today) continue ;   /* today is not finished */
    if (!day_report(x, d->d_name)) all = 0 ;
  }
  if (errno) strerr_diefu2sys(111, "read ", TLSRPT_DIR) ;
  dir_close(dir) ;
  return all ;
}

int main (int argc, char const *const *argv)
{
  run x = { .print = 0, .dnsready = 0 } ;
  stralloc line = STRALLOC_ZERO ;
  char const *day = 0 ;
  char today[TLSRPT_DAY_LEN + 1] ;
  int all ;
  PROG = "berth-tlsrpt" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "nd:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'n' : x.print = 1 ; break ;
        case 'd' : day = l.arg ; break ;
        default : strerr_dieusage(100, USAGE) ;
      }
    }
    argc -= l.ind ;   /* no operands */
  }
  if (argc) strerr_dieusage(100, USAGE) ;
  if (day && !tlsrpt_day_scan(day, &x.today)) strerr_dief2x(100, "not a day (YYYY-MM-DD): ", day) ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE") ;   /* a dead queue program is a write error */
  if (!reporter_read(&x.r, &line))
  {
    strerr_warni2x(TLSRPT_CONTROL, " does not exist: TLS-RPT is off, nothing to report") ;
    return 0 ;
  }
  if (!tlsrpt_day_fmt(today, time(0)) || !tlsrpt_day_scan(today, &x.today)) strerr_dief1x(111, "the clock is out of range") ;
  all = day ? day_report(&x, day) : all_days(&x) ;
  if (x.dnsready > 0) res_nclose(&x.rs) ;
  stralloc_free(&line) ;
  return all ? 0 : 111 ;
}
