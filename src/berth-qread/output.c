/* ISC license. */
/* berth-qread: one message as text (mailq style) or as one JSON object.
   Trust: queue bytes are masked (text) or escaped (JSON, qtool_json_str). */

#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <berth/qtool.h>
#include "qread.h"

static char const *chan_name (char c)
{
  return c == 'L' ? "local" : c == 'R' ? "remote" : 0 ;
}

static uint64_t pending (qtool_msg const *m)
{
  size_t n = genalloc_len(qtool_rcpt, &m->rcpts) ;
  qtool_rcpt const *r = genalloc_s(qtool_rcpt, &m->rcpts) ;
  uint64_t k = 0 ;
  for (size_t i = 0 ; i < n ; i++) if (r[i].mark != 'D') k++ ;
  return k ;
}

/* next attempt in unix ms, 0 = due now or unknown; *what says which */
/* status words: [0] for text, [1] for JSON */
static char const *const st_todo[2] = { "not yet preprocessed", "new" } ;
static char const *const st_bounce[2] = { "done, waiting for the bouncer", "bounce_pending" } ;
static char const *const st_expired[2] = { "expired (queue lifetime over), waiting for the bouncer", "expired" } ;
static char const *const st_done[2] = { "done", "done" } ;
static char const *const st_held[2] = { "held (not retried until released)", "held" } ;
static char const *const st_sched[2] = { "scheduled", "scheduled" } ;
static char const *const st_due[2] = { "due now", "due" } ;
static char const *const st_bad[2] = { "never (quarantined; berth-qctl delete removes it)", "quarantined" } ;

static uint64_t next_attempt (qtool_msg const *m, uint64_t now, char const *const **what)
{
  if (m->where == QTOOL_WHERE_TODO) { *what = st_todo ; return 0 ; }
  if (m->where == QTOOL_WHERE_BAD) { *what = st_bad ; return 0 ; }
  if (!pending(m)) { *what = m->expired ? st_expired : m->bounce ? st_bounce : st_done ; return 0 ; }
  if (m->held) { *what = st_held ; return 0 ; }
  *what = st_sched ;
  if (m->hasinfo && m->next > now) return m->next ;
  if (m->hint > now) return m->hint ;
  *what = st_due ;
  return 0 ;
}

/* the built-in listing of sendmail -bp, extended: a message still in todo/ prints exactly as there */
void qr_text (qtool_msg const *m, uint64_t now, stralloc const *down)
{
  size_t n = genalloc_len(qtool_rcpt, &m->rcpts) ;
  qtool_rcpt const *r = genalloc_s(qtool_rcpt, &m->rcpts) ;
  char const *const *what ;
  uint64_t next = next_attempt(m, now, &what) ;
  qr_safe(m->id, strlen(m->id)) ;
  qr_puts(" size=") ; qr_putu(m->size) ;
  qr_puts(" age=") ; qr_putu(now > m->birth ? (now - m->birth) / 1000 : 0) ;
  qr_puts("s from=<") ; qr_safe(m->data.s, strlen(m->data.s)) ; qr_puts(">") ;
  if (m->held) qr_puts(" held") ;
  if (m->expired) qr_puts(" expired") ;
  if (m->where == QTOOL_WHERE_BAD) qr_puts(" quarantined") ;
  qr_puts("\n") ;
  if (m->mparams) { qr_puts("  params: ") ; qr_safe(m->data.s + m->mparams, strlen(m->data.s + m->mparams)) ; qr_puts("\n") ; }
  if (m->held && m->hold.len) { qr_puts("  held: ") ; qr_safe(m->hold.s, m->hold.len) ; qr_puts("\n") ; }
  if (m->where == QTOOL_WHERE_BAD)
  {
    qr_puts("  quarantined: ") ;
    if (m->hasinfo && m->infotext) qr_safe(m->tmp.s + m->infotext, strlen(m->tmp.s + m->infotext)) ;
    else qr_puts("reason unknown") ;
    qr_puts("\n  next attempt: ") ; qr_puts(st_bad[0]) ; qr_puts("\n") ;
    return ;
  }
  for (size_t i = 0 ; i < n ; i++)
  {
    char const *c = chan_name(r[i].chan) ;
    qr_puts("  to=<") ;
    qr_safe(m->data.s + r[i].addr, strlen(m->data.s + r[i].addr)) ;
    qr_puts(">") ;
    if (c) { qr_puts(r[i].mark == 'D' ? " done " : " pending ") ; qr_puts(c) ; }
    if (r[i].params) { qr_puts(" params: ") ; qr_safe(m->data.s + r[i].params, strlen(m->data.s + r[i].params)) ; }
    if (r[i].mark != 'D' && r[i].chan == 'R' && qr_dest_isdown(down, m->data.s + r[i].addr)) qr_puts(" (destination down)") ;
    qr_puts("\n") ;
  }
  if (m->where != QTOOL_WHERE_STATE) return ;
  if (m->hasinfo && m->infotext)
  {
    qr_puts("  last error: ") ;
    qr_safe(m->tmp.s + m->infotext, strlen(m->tmp.s + m->infotext)) ;
    qr_puts(" (") ;
    if (m->inforcpt) { qr_puts("<") ; qr_safe(m->tmp.s + m->inforcpt, strlen(m->tmp.s + m->inforcpt)) ; qr_puts(">, ") ; }
    qr_puts("try ") ; qr_putu(m->tries) ;
    qr_puts(", ") ; qr_dur(now > m->last ? (now - m->last) / 1000 : 0) ; qr_puts(" ago)\n") ;
  }
  qr_puts("  next attempt: ") ;
  if (next) { qr_puts("in ") ; qr_dur((next - now + 999) / 1000) ; }
  else qr_puts(what[0]) ;
  qr_puts("\n") ;
}

static void js (char const *s, size_t len)
{
  if (qtool_json_str(buffer_1, s, len) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

static void jkey (char const *k) { qr_puts(",\"") ; qr_puts(k) ; qr_puts("\":") ; }

static void jms (uint64_t ms)
{
  if (!ms) { qr_puts("null") ; return ; }
  qr_putu(ms / 1000) ;
}

/* an extension record's params (doc/queue.md): the key "params" and a JSON string, only
   when there are some (an object without them reads as before) */
static void jparams (qtool_msg const *m, size_t off)
{
  if (!off) return ;
  jkey("params") ;
  js(m->data.s + off, strlen(m->data.s + off)) ;
}

void qr_json (qtool_msg const *m, uint64_t now, int first)
{
  size_t n = genalloc_len(qtool_rcpt, &m->rcpts) ;
  qtool_rcpt const *r = genalloc_s(qtool_rcpt, &m->rcpts) ;
  char const *const *what ;
  uint64_t next = next_attempt(m, now, &what) ;
  qr_puts(first ? "\n{\"id\":" : ",\n{\"id\":") ; js(m->id, strlen(m->id)) ;
  jkey("birth") ; qr_putu(m->birth / 1000) ;
  jkey("age") ; qr_putu(now > m->birth ? (now - m->birth) / 1000 : 0) ;
  jkey("size") ; qr_putu(m->size) ;
  jkey("sender") ; js(m->data.s, strlen(m->data.s)) ;
  jparams(m, m->mparams) ;
  jkey("preprocessed") ; qr_puts(m->where == QTOOL_WHERE_STATE ? "true" : "false") ;
  jkey("held") ; qr_puts(m->held ? "true" : "false") ;
  jkey("hold_reason") ; if (m->hold.len) js(m->hold.s, m->hold.len) ; else qr_puts("null") ;
  jkey("bounce_pending") ; qr_puts(m->bounce ? "true" : "false") ;
  jkey("recipients") ; qr_puts("[") ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char const *c = chan_name(r[i].chan) ;
    qr_puts(i ? ",{\"address\":" : "{\"address\":") ;
    js(m->data.s + r[i].addr, strlen(m->data.s + r[i].addr)) ;
    jkey("state") ; qr_puts(r[i].mark == 'D' ? "\"done\"" : "\"pending\"") ;
    jkey("channel") ;
    if (c) { qr_puts("\"") ; qr_puts(c) ; qr_puts("\"") ; } else qr_puts("null") ;
    jparams(m, r[i].params) ;
    qr_puts("}") ;
  }
  qr_puts("]") ;
  jkey("status") ; qr_puts("\"") ; qr_puts(what[1]) ; qr_puts("\"") ;
  jkey("next_attempt") ; jms(next) ;
  jkey("tries") ; if (m->hasinfo) qr_putu(m->tries) ; else qr_puts("null") ;
  jkey("last_attempt") ; jms(m->hasinfo ? m->last : 0) ;
  jkey("last_error") ;
  if (m->hasinfo && m->infotext) js(m->tmp.s + m->infotext, strlen(m->tmp.s + m->infotext)) ; else qr_puts("null") ;
  jkey("quarantined") ; qr_puts(m->where == QTOOL_WHERE_BAD ? "true" : "false") ;
  jkey("last_error_recipient") ;
  if (m->hasinfo && m->inforcpt) js(m->tmp.s + m->inforcpt, strlen(m->tmp.s + m->inforcpt)) ; else qr_puts("null") ;
  qr_puts("}") ;
}

void qr_count (qtool_msg const *m, qr_totals *t)
{
  t->msgs++ ;
  t->pending += pending(m) ;
}
