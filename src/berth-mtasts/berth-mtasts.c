/* ISC license. */
/* berth-mtasts: fetches one domain's MTA-STS policy (RFC 8461) over HTTPS and writes its cache
   entry, queue/mtasts/DOMAIN, atomically; -l lists the cache (doc/berth-mtasts.md). Run by
   berth-remote as the remote user when a domain's _mta-sts TXT id is new or its cached policy
   expired. Trust: the policy server is untrusted (verified TLS, bounded reply, strict parser);
   the domain and id come from berth-remote and are checked again here. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/buffer.h>
#include <skalibs/direntry.h>
#include <skalibs/djbunix.h>
#include <skalibs/sgetopt.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/home.h>
#include <berth/mtasts.h>
#include <berth/stdopts.h>
#include "fetch.h"

#define USAGE "berth-mtasts [ -t secs ] [ -a trustanchors ] domain id | berth-mtasts -l"
#define SYNOPSIS "berth-mtasts [ -t secs ] [ -a trustanchors ] domain id\nberth-mtasts -l"
#define TIMEOUT_DEFAULT 60
#define ANCHORS_FILE "control/tlsanchors"
#define ANCHORS_DEFAULT "/etc/ssl/certs"

static void put (char const *s)
{
  if (buffer_puts(buffer_1, s) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

static void putu (uint64_t u)
{
  char fmt[UINT64_FMT] ;
  fmt[uint64_fmt(fmt, u)] = 0 ;
  put(fmt) ;
}

/* one line per cache entry: domain=D id=I mode=M max_age=N fetched=T expires=T state=S mx=P,P */
static int list (void)
{
  DIR *dir = opendir(MTASTS_DIR) ;
  mtasts_policy p = MTASTS_POLICY_ZERO ;
  uint64_t now = time(0) ;
  if (!dir) { if (errno == ENOENT) return 0 ; strerr_diefu2sys(111, "open ", MTASTS_DIR) ; }
  for (;;)
  {
    direntry *d ;
    char name[MTASTS_DOMAIN_MAX + 1] ;
    int r ;
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (!mtasts_domain_ok(d->d_name, name) || strcmp(name, d->d_name)) continue ;   /* temporary files, dots */
    r = mtasts_cache_read(MTASTS_DIR, name, &p) ;
    if (r <= 0) { strerr_warnwu3sys("read ", MTASTS_DIR "/", name) ; continue ; }
    put("domain=") ; put(name) ;
    put(" id=") ; put(p.id) ;
    put(" mode=") ; put(mtasts_modes[p.mode]) ;
    put(" max_age=") ; putu(p.max_age) ;
    put(" fetched=") ; putu(p.fetched) ;
    put(" expires=") ; putu(p.fetched + p.max_age) ;
    put(mtasts_fresh(&p, now) ? " state=fresh" : " state=expired") ;
    put(" mx=") ;
    for (size_t i = 0 ; i < p.mx.len ; i += strlen(p.mx.s + i) + 1) { if (i) put(",") ; put(p.mx.s + i) ; }
    put("\n") ;
  }
  if (errno) strerr_diefu2sys(111, "read ", MTASTS_DIR) ;
  dir_close(dir) ;
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return 0 ;
}

static int fetch (char const *domain, char const *id, char const *anchors, unsigned int secs)
{
  char name[MTASTS_DOMAIN_MAX + 1] ;
  char x[MTASTS_ID_MAX + 1] ;
  char txt[sizeof "v=STSv1; id=;" + MTASTS_ID_MAX] ;
  stralloc reply = STRALLOC_ZERO, body = STRALLOC_ZERO, out = STRALLOC_ZERO ;
  mtasts_policy p = MTASTS_POLICY_ZERO ;
  char const *why ;
  if (!mtasts_domain_ok(domain, name)) strerr_dief2x(100, "not a usable domain: ", domain) ;
  if (strlen(id) > MTASTS_ID_MAX) strerr_dief2x(100, "not a valid policy id: ", id) ;
  memcpy(txt, "v=STSv1; id=", 12) ; memcpy(txt + 12, id, strlen(id)) ; memcpy(txt + 12 + strlen(id), ";", 2) ;
  if (mtasts_txt_parse(txt, x) != 1) strerr_dief2x(100, "not a valid policy id: ", id) ;
  alarm(secs) ;   /* the whole fetch, DNS and connect included */
  if (!mtasts_fetch(name, anchors, secs, &reply, &why)) strerr_dief4x(111, "unable to fetch the policy of ", name, ": ", why) ;
  alarm(0) ;
  if (!mtasts_http_body(&reply, &body, &why)) strerr_dief4x(111, "unable to fetch the policy of ", name, ": ", why) ;
  if (!mtasts_policy_parse(body.s, body.len, &p, &why)) strerr_dief4x(111, "invalid policy for ", name, ": ", why) ;
  memcpy(p.id, x, strlen(x) + 1) ;
  p.fetched = time(0) ;
  if (!mtasts_cache_format(&out, &p)) strerr_diefu1sys(111, "format the cache entry") ;
  if (mkdir(MTASTS_DIR, 0755) < 0 && errno != EEXIST) strerr_diefu2sys(111, "mkdir ", MTASTS_DIR) ;
  {
    size_t dl = sizeof MTASTS_DIR, nl = strlen(name) ;
    char fn[sizeof MTASTS_DIR + MTASTS_DOMAIN_MAX + 1] ;
    char suffix[6 + PID_FMT] = ".tmp." ;
    suffix[5 + pid_fmt(suffix + 5, getpid())] = 0 ;
    memcpy(fn, MTASTS_DIR "/", dl) ; memcpy(fn + dl, name, nl + 1) ;
    if (!openwritenclose_suffix(fn, out.s, out.len, suffix)) strerr_diefu2sys(111, "write ", fn) ;
  }
  strerr_warni("policy of ", name, " id=", p.id, " mode=", mtasts_modes[p.mode]) ;
  return 0 ;
}

int main (int argc, char const *const *argv)
{
  char const *anchors = 0 ;
  unsigned int secs = TIMEOUT_DEFAULT ;
  int dolist = 0 ;
  PROG = "berth-mtasts" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "lt:a:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'l' : dolist = 1 ; break ;
        case 't' : if (!uint0_scan(l.arg, &secs) || !secs) strerr_dieusage(100, USAGE) ; break ;
        case 'a' : anchors = l.arg ; break ;
        default : strerr_dieusage(100, USAGE) ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (dolist) return list() ;
  if (argc != 2) strerr_dieusage(100, USAGE) ;
  if (!getuid() || !geteuid()) strerr_dief1x(100, "refusing to fetch as root: run me as the remote user") ;
  if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE") ;   /* a dead berth-tlsc is a write error */
  if (!anchors) anchors = access(ANCHORS_FILE, F_OK) ? ANCHORS_DEFAULT : ANCHORS_FILE ;
  return fetch(argv[0], argv[1], anchors, secs) ;
}
