/* ISC license. */
/* The original message, streamed from queue/mess/<id>: never held in memory. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include "bounce.h"

#define ORIGINAL_BUFSIZE 65536
#define BOUNDARY_TRIES 10
#define BOUNDARY_PREFIX "berth-bounce="

/* Calls f on successive chunks of the original, stopping at the end of the header when
   headersonly. Returns 1, or 0 on an error (read error, or f returned 0). */
typedef int chunk_func (void *, char const *, size_t) ;
static int walk (bounce const *x, chunk_func *f, void *p)
{
  char buf[ORIGINAL_BUFSIZE] ;
  int bol = 1 ;
  if (lseek(x->messfd, x->messstart, SEEK_SET) < 0) return 0 ;
  for (;;)
  {
    size_t n ;
    ssize_t r = fd_read(x->messfd, buf, sizeof buf) ;
    if (r < 0) return 0 ;
    if (!r) return 1 ;
    n = r ;
    if (x->headersonly)
      for (size_t i = 0 ; i < n ; i++)
      {
        if (bol && buf[i] == '\n') return f(p, buf, i) ;
        bol = buf[i] == '\n' ;
      }
    if (!f(p, buf, n)) return 0 ;
  }
}

typedef struct scan_s scan ;
struct scan_s
{
  char const *pat ;
  size_t patlen ;
  size_t m ;      /* bytes of pat matched on this line; patlen + 1: no match on this line */
  int clash ;
  int has8bit ;
} ;

static int scan_chunk (void *p, char const *s, size_t n)
{
  scan *sc = p ;
  for (size_t i = 0 ; i < n ; i++)
  {
    unsigned char c = s[i] ;
    if (c >= 0x80) sc->has8bit = 1 ;
    if (c == '\n') { sc->m = 0 ; continue ; }
    if (sc->m < sc->patlen)
    {
      if (c == (unsigned char)sc->pat[sc->m]) { if (++sc->m == sc->patlen) sc->clash = 1 ; }
      else sc->m = sc->patlen + 1 ;
    }
  }
  return 1 ;
}

int original_scan (bounce *x)
{
  for (unsigned int salt = 0 ; salt < BOUNDARY_TRIES ; salt++)
  {
    char pat[BOUNCE_BOUNDARY_MAX + 2] ;
    size_t n = 0, idlen = strlen(x->id) ;
    scan sc = { .pat = pat, .m = 0, .clash = 0, .has8bit = 0 } ;
    memcpy(x->boundary, BOUNDARY_PREFIX, sizeof(BOUNDARY_PREFIX) - 1) ; n = sizeof(BOUNDARY_PREFIX) - 1 ;
    memcpy(x->boundary + n, x->id, idlen) ; n += idlen ;
    x->boundary[n++] = '=' ;
    n += uint_fmt(x->boundary + n, salt) ;
    x->boundary[n] = 0 ;
    if (x->messfd < 0) return 1 ;
    pat[0] = '-' ; pat[1] = '-' ; memcpy(pat + 2, x->boundary, n) ;
    sc.patlen = n + 2 ;
    if (!walk(x, &scan_chunk, &sc)) return 0 ;
    x->has8bit = sc.has8bit ;
    if (!sc.clash) return 1 ;
  }
  return 1 ;
}

typedef struct copy_s copy ;
struct copy_s
{
  wout *w ;
  char last ;
} ;

static int copy_chunk (void *p, char const *s, size_t n)
{
  copy *c = p ;
  if (!n) return 1 ;
  c->last = s[n-1] ;
  return wput(c->w, s, n) ;
}

int original_copy (wout *w, bounce const *x)
{
  copy c = { .w = w, .last = '\n' } ;
  if (!walk(x, &copy_chunk, &c)) return 0 ;
  return c.last == '\n' ? 1 : wput(w, "\n", 1) ;
}
