/* ISC license. */
/* berth-showctl: one setting's line, "name: value   # purpose", and the warnings about that file
   alone (not a number, unreadable, not a cdb, a secret readable by others).
   Trust: reads control files only; prints them with control bytes masked, secrets never. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/buffer.h>
#include <skalibs/cdb.h>
#include <skalibs/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/control.h>
#include "showctl.h"

#define CDB_HEADER_SIZE 2048

static void out (char const *s) { buffer_puts(buffer_1, s) ; }

/* prints s with control bytes shown as '?' */
static void out_clean (char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = (unsigned char)s[i] < 32 || s[i] == 127 ? '?' : s[i] ;
    buffer_put(buffer_1, &c, 1) ;
  }
}

/* Warnings are collected and printed after the settings. */
unsigned int showctl_warn (stralloc *w, char const *a, char const *b, char const *c)
{
  if (!stralloc_cats(w, "warning: ") || !stralloc_cats(w, a) || !stralloc_cats(w, b)
   || !stralloc_cats(w, c) || !stralloc_cats(w, "\n")) strerr_diefu1sys(111, "allocate") ;
  return 1 ;
}

unsigned int showctl_show (ctl const *c, char const *me, int onlyset, stralloc *ws)
{
  stralloc sa = STRALLOC_ZERO ;
  char fn[9 + strlen(c->name) + 1] ;
  unsigned int w = 0 ;
  int r ;
  memcpy(fn, "control/", 8) ; strcpy(fn + 8, c->name) ;
  if (onlyset && access(fn, F_OK) < 0 && errno == ENOENT) return 0 ;
  out(c->name) ; out(": ") ;
  if (c->k == K_SECRET)
  {
    struct stat st ;
    r = control_readlines(&sa, fn) ;
    if (r < 0) out("(unreadable by this user)") ;
    else if (!r) out("(absent)") ;
    else
    {
      size_t n = 0 ;
      char fmt[ULONG_FMT] ;
      for (size_t i = 0 ; i < sa.len ; i += strlen(sa.s + i) + 1) n++ ;
      out("(present, ") ; buffer_put(buffer_1, fmt, ulong_fmt(fmt, n)) ; out(n == 1 ? " entry)" : " entries)") ;
    }
    if (r && stat(fn, &st) == 0 && st.st_mode & (S_IRWXG | S_IRWXO))
      w += showctl_warn(ws, fn, " is readable by others than its owner: chmod 600 it", "") ;
  }
  else if (c->k == K_CDB)
  {
    cdb db = CDB_ZERO ;
    cdb_data d ;
    if (access(fn, F_OK) < 0) out("(absent)") ;
    else if (!cdb_init(&db, fn) || db.size < CDB_HEADER_SIZE || cdb_find(&db, &d, "", 0) < 0)
    {
      cdb_free(&db) ; out("(unreadable)") ; w += showctl_warn(ws, fn, " cannot be read as a cdb", "") ; }
    else { out("(cdb present)") ; cdb_free(&db) ; }
  }
  else
  {
    char const *dflt = !c->dflt ? 0 : !strcmp(c->dflt, "me") ? me : c->dflt ;
    r = c->k == K_LIST ? control_readlines(&sa, fn) : control_readline(&sa, fn, 0) ;
    if (r < 0) { out("(unreadable)") ; w += showctl_warn(ws, "unable to read ", fn, "") ; }
    else if (!r && c->k == K_LIST) { out("(absent)") ; if (dflt) { out(" default: ") ; out(dflt) ; } }
    else if (!r) { out("(absent) default: ") ; out(dflt ? dflt : "(none)") ; }
    else if (c->k == K_LIST)
      for (size_t i = 0 ; i < sa.len ; i += strlen(sa.s + i) + 1)
      {
        out(i ? ", " : "") ; out_clean(sa.s + i, strlen(sa.s + i)) ;
      }
    else
    {
      out_clean(sa.s, sa.len) ;
      if (c->k == K_NUM)
      {
        unsigned long u ;
        if (control_readulong(&u, fn, 0) <= 0) w += showctl_warn(ws, fn, " is not a number", "") ;
      }
    }
  }
  out("   # ") ; out(c->what) ; out("\n") ;
  stralloc_free(&sa) ;
  return w ;
}

