/* ISC license. */

#include <berth/qq.h>
#include <berth/envext.h>
#include <berth/envelope.h>

/* ST_T: a T record or the end may follow; ST_AFTER_F and ST_AFTER_T also allow the one
   extension record (E after F, R after T: doc/queue.md) */
enum { ST_F, ST_SENDER, ST_T, ST_RCPT, ST_DONE, ST_AFTER_F, ST_AFTER_T, ST_EXT } ;

static ssize_t over (envscan *e, unsigned char which, int *code)
{
  e->over = which ;
  *code = QQ_PERM_REFUSED ;
  return -1 ;
}

ssize_t envscan_feed (envscan *e, char const *s, size_t len, int *done, int *code)
{
  size_t i = 0 ;
  *done = e->state == ST_DONE ;
  for (; i < len && !*done ; i++)
  {
    char c = s[i] ;
    if (e->maxbytes && ++e->bytes > e->maxbytes) return over(e, ENVSCAN_OVER_BYTES, code) ;
    switch (e->state)
    {
      case ST_F :
        if (c != 'F') { *code = QQ_ENVELOPE ; return -1 ; }
        e->state = ST_SENDER ; e->addrlen = 0 ;
        break ;
      case ST_AFTER_F :
      case ST_AFTER_T :
        if (c == (e->state == ST_AFTER_F ? ENVEXT_MAIL : ENVEXT_RCPT)) { e->state = ST_EXT ; e->addrlen = 0 ; break ; }
        /* fall through */
      case ST_T :
        if (!c) { e->state = ST_DONE ; *done = 1 ; break ; }
        if (c != 'T') { *code = QQ_ENVELOPE ; return -1 ; }
        if (e->maxrcpt && e->nrcpt >= e->maxrcpt) return over(e, ENVSCAN_OVER_RCPTS, code) ;
        e->state = ST_RCPT ; e->addrlen = 0 ;
        break ;
      case ST_EXT :
        if (!c) { e->state = ST_T ; break ; }
        if (!envext_ok(&c, 1) || ++e->addrlen > ENVEXT_MAX) { *code = QQ_ENVELOPE ; return -1 ; }
        break ;
      case ST_SENDER :
      case ST_RCPT :
        if (!c)
        {
          if (e->state == ST_RCPT) e->nrcpt++ ;
          e->state = e->state == ST_RCPT ? ST_AFTER_T : ST_AFTER_F ;
          break ;
        }
        if ((unsigned char)c < 32) { *code = QQ_ENVELOPE ; return -1 ; }   /* no control bytes: the spawn protocol's separators */
        if (++e->addrlen >= QQ_ADDR_MAX) { *code = QQ_ADDR_TOO_LONG ; return -1 ; }
        break ;
      default : *code = QQ_BUG ; return -1 ;
    }
  }
  return (ssize_t)i ;
}
