/* ISC license. */
/* berth-qread -d: berth-send's destinations (queue/lock/destinations: one key=value line per
   destination, doc/berth-send.md, "Polite delivery"), and the list of those marked down, which
   the listing notes beside their pending recipients.
   Trust: the file is berth-send's (queue owner), written under berth's log quoting rule: its
   lines are printed as they are only when they parse; every value read back is masked. */

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/logfield.h>
#include "qread.h"

#define DESTS_FILE "queue/lock/destinations"
#define DESTS_MAX 1048576   /* bytes read of it at most */

static int readall (stralloc *sa)
{
  if (!openslurpclose(sa, DESTS_FILE))
  {
    if (errno == ENOENT) return 0 ;
    strerr_diefu2sys(111, "read ", DESTS_FILE) ;
  }
  if (sa->len > DESTS_MAX) sa->len = DESTS_MAX ;
  return 1 ;
}

/* for each whole line that parses: f(line, len, domain, state, data) */
static void each (stralloc const *sa, void (*f)(char const *, size_t, char const *, char const *, void *), void *data)
{
  stralloc val = STRALLOC_ZERO, dom = STRALLOC_ZERO ;
  size_t i = 0 ;
  while (i < sa->len)
  {
    char const *nl = memchr(sa->s + i, '\n', sa->len - i) ;
    size_t len, pos = 0 ;
    char state[8] = "" ;
    int r ;
    logfield_kv kv ;
    if (!nl) break ;
    len = nl - (sa->s + i) ;
    dom.len = 0 ;
    {  /* logfield_scan reads " key=value" fields: the line's first has no space before it */
      stralloc line = STRALLOC_ZERO ;
      if (!stralloc_catb(&line, " ", 1) || !stralloc_catb(&line, sa->s + i, len)) strerr_diefu1sys(111, "allocate") ;
      while ((r = logfield_scan(line.s, line.len, &pos, &kv, &val)) == 1)
      {
        if (kv.keylen == 6 && !memcmp(kv.key, "domain", 6))
        { if (!stralloc_copyb(&dom, val.s, val.len)) strerr_diefu1sys(111, "allocate") ; }
        else if (kv.keylen == 5 && !memcmp(kv.key, "state", 5) && val.len < sizeof state)
        { memcpy(state, val.s, val.len) ; state[val.len] = 0 ; }
      }
      stralloc_free(&line) ;
    }
    if (!r && dom.len && stralloc_0(&dom)) f(sa->s + i, len, dom.s, state, data) ;
    i += len + 1 ;
  }
  stralloc_free(&val) ;
  stralloc_free(&dom) ;
}

static void print_one (char const *line, size_t len, char const *dom, char const *state, void *data)
{
  (*(unsigned int *)data)++ ;
  qr_safe(line, len) ;
  qr_puts("\n") ;
}

void qr_dests_print (void)
{
  stralloc sa = STRALLOC_ZERO ;
  unsigned int n = 0 ;
  if (readall(&sa)) each(&sa, &print_one, &n) ;
  if (!n) qr_puts("no destination known (berth-send keeps those with jobs, waiting recipients or recent failures)\n") ;
  stralloc_free(&sa) ;
}

static void down_one (char const *line, size_t len, char const *dom, char const *state, void *data)
{
  if (strcmp(state, "down")) return ;
  if (!stralloc_cats((stralloc *)data, dom) || !stralloc_0((stralloc *)data)) strerr_diefu1sys(111, "allocate") ;
}

void qr_dests_down (stralloc *down)
{
  stralloc sa = STRALLOC_ZERO ;
  down->len = 0 ;
  if (readall(&sa)) each(&sa, &down_one, down) ;
  stralloc_free(&sa) ;
}

int qr_dest_isdown (stralloc const *down, char const *addr)
{
  char const *at = strrchr(addr, '@') ;
  if (!at) return 0 ;
  for (size_t i = 0 ; i < down->len ; i += strlen(down->s + i) + 1)
    if (!strcasecmp(down->s + i, at + 1)) return 1 ;
  return 0 ;
}
