/* ISC license. */
/* One line of control/milters: Postfix's socket syntax, then options.
     unix:/run/opendkim.sock   local:/path   inet:127.0.0.1:8891   inet:[::1]:8891   inet:localhost:8891
   options, separated by spaces: default=accept|tempfail|reject, connect=SECONDS,
   command=SECONDS, content=SECONDS (Postfix's milter_default_action and its three timeouts).
   No DNS: an inet host is an IP address or "localhost". Trust: the administrator's file; a line
   that does not parse is a configuration error (the caller's temporary failure). */

#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/ip46.h>
#include <skalibs/types.h>
#include "bm.h"

static int opt (char const *w, size_t n, bm_conf *c)
{
  char const *eq = memchr(w, '=', n) ;
  size_t kl ;
  char v[16] ;
  if (!eq) return 0 ;
  kl = eq - w ;
  n -= kl + 1 ;
  if (n >= sizeof v) return 0 ;
  memcpy(v, eq + 1, n) ; v[n] = 0 ;
  if (kl == 7 && !memcmp(w, "default", 7))
  {
    if (!strcmp(v, "accept")) c->dflt = BM_DEFAULT_ACCEPT ;
    else if (!strcmp(v, "tempfail")) c->dflt = BM_DEFAULT_TEMPFAIL ;
    else if (!strcmp(v, "reject")) c->dflt = BM_DEFAULT_REJECT ;
    else return 0 ;
    return 1 ;
  }
  {
    unsigned int *p = kl == 7 && !memcmp(w, "connect", 7) ? &c->tconnect
      : kl == 7 && !memcmp(w, "command", 7) ? &c->tcommand
      : kl == 7 && !memcmp(w, "content", 7) ? &c->tcontent : 0 ;
    if (!p || !uint0_scan(v, p) || !*p) return 0 ;
  }
  return 1 ;
}

static int inet (char const *s, size_t n, bm_conf *c)
{
  char host[IP46_FMT + 2] ;
  char const *colon ;
  size_t hl ;
  char port[8] ;
  if (n && s[0] == '[')
  {
    char const *end = memchr(s, ']', n) ;
    if (!end || end + 1 >= s + n || end[1] != ':') return 0 ;
    hl = end - s - 1 ;
    if (hl >= sizeof host) return 0 ;
    memcpy(host, s + 1, hl) ; host[hl] = 0 ;
    colon = end + 1 ;
    if (ip46_scan(host, &c->ip) != hl || !ip46_is6(&c->ip)) return 0 ;
  }
  else
  {
    colon = s + byte_rchr(s, n, ':') ;
    if (colon == s + n) return 0 ;
    hl = colon - s ;
    if (hl >= sizeof host) return 0 ;
    memcpy(host, s, hl) ; host[hl] = 0 ;
    if (!strcmp(host, "localhost")) memcpy(host, "127.0.0.1", 10) ;
    if (ip46_scan(host, &c->ip) != strlen(host)) return 0 ;
  }
  hl = s + n - colon - 1 ;
  if (!hl || hl >= sizeof port) return 0 ;
  memcpy(port, colon + 1, hl) ; port[hl] = 0 ;
  return uint160_scan(port, &c->port) == hl && c->port ;
}

int bm_conf_scan (char const *line, bm_conf *c, char const **why)
{
  size_t n = strcspn(line, " \t") ;
  char const *w = line + n ;
  memset(c, 0, sizeof *c) ;
  c->line = line ;
  c->tconnect = BM_CONNECT_TIMEOUT ;
  c->tcommand = BM_COMMAND_TIMEOUT ;
  c->tcontent = BM_CONTENT_TIMEOUT ;
  c->dflt = BM_DEFAULT_TEMPFAIL ;
  if (n > 5 && (!memcmp(line, "unix:", 5) || !memcmp(line, "local:", 6)))
  {
    size_t k = line[0] == 'u' ? 5 : 6 ;
    if (n - k >= BM_PATH_MAX || n == k) { *why = "socket path too long or empty" ; return 0 ; }
    memcpy(c->path, line + k, n - k) ; c->path[n - k] = 0 ;
    c->isunix = 1 ;
  }
  else if (n > 5 && !memcmp(line, "inet:", 5)) { if (!inet(line + 5, n - 5, c)) { *why = "not inet:IP:PORT" ; return 0 ; } }
  else if (n > 6 && !memcmp(line, "inet6:", 6)) { if (!inet(line + 6, n - 6, c)) { *why = "not inet6:IP:PORT" ; return 0 ; } }
  else { *why = "not unix:PATH or inet:IP:PORT" ; return 0 ; }
  for (;;)
  {
    w += strspn(w, " \t") ;
    if (!*w) break ;
    n = strcspn(w, " \t") ;
    if (!opt(w, n, c)) { *why = "unknown option or bad value" ; return 0 ; }
    w += n ;
  }
  return 1 ;
}
