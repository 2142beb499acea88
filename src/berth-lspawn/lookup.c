/* ISC license. */
/* Who receives an address: users/assign.cdb, then passwd as qmail-passwd_lookup (single-user mode: only
   the owner's own name; multi-user: asked of berth-getpw, getpw.c), then the instance's alias user.
   Trust: passwd and users/assign are the admin's. */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <skalibs/cdb.h>
#include <skalibs/stralloc.h>
#include <berth/assign.h>
#include <berth/userpart.h>
#include "lspawn.h"

static int set_strings (target *t, stralloc *sa, char const *user, char const *home, char const *dash, char const *ext)
{
  t->user = sa->len ;
  if (!stralloc_cats(sa, user) || !stralloc_0(sa)) return 0 ;
  t->home = sa->len ;
  if (!stralloc_cats(sa, home) || !stralloc_0(sa)) return 0 ;
  t->dash = sa->len ;
  if (!stralloc_cats(sa, dash) || !stralloc_0(sa)) return 0 ;
  t->ext = sa->len ;
  return stralloc_cats(sa, ext) && stralloc_0(sa) ;
}

static int has_upper (char const *s)
{
  for (; *s ; s++) if (*s >= 'A' && *s <= 'Z') return 1 ;
  return 0 ;
}

/* qmail-getpw's test for one candidate name. 1 claimed, 0 not, -1 temporary error. */
static int claims (lctx const *c, getpw *g, char const *name, target *t, stralloc *sa, char const *dash, char const *ext)
{
  struct stat st ;
  if (c->root)
  {
    stralloc pws = STRALLOC_ZERO ;
    pwent pw ;
    int r = getpw_ask(g, 'n', name, &pw, &pws) ;
    if (r <= 0) { stralloc_free(&pws) ; return r ; }
    r = 0 ;
    if (!pw.uid || strcmp(pws.s + pw.name, name) || has_upper(pws.s + pw.name)) goto end ;
    if (stat(pws.s + pw.dir, &st) < 0) { r = errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -1 ; goto end ; }
    if (st.st_uid != pw.uid) goto end ;
    t->uid = pw.uid ; t->gid = pw.gid ;
    r = set_strings(t, sa, pws.s + pw.name, pws.s + pw.dir, dash, ext) ? 1 : -1 ;
   end:
    stralloc_free(&pws) ;
    return r ;
  }
  if (!c->name || strcmp(c->name, name) || !c->uid) return 0 ;
  if (stat(c->pwdir, &st) < 0) return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -1 ;
  if (st.st_uid != c->uid) return 0 ;
  t->uid = c->uid ; t->gid = c->gid ;
  return set_strings(t, sa, c->name, c->pwdir, dash, ext) ? 1 : -1 ;
}

static int passwd_lookup (lctx const *c, getpw *g, char const *lower, target *t, stralloc *sa)
{
  size_t len = strlen(lower), i ;
  userpart it ;
  userpart_start(&it, len) ;
  while (userpart_next(&it, lower, len, c->brk, &i))
  {
    char name[USERPART_NAMEMAX] ;
    int r ;
    memcpy(name, lower, i) ; name[i] = 0 ;
    r = claims(c, g, name, t, sa, i < len ? "-" : "", i < len ? lower + i + 1 : "") ;
    if (r) return r ;
  }
  return 0 ;
}

/* The instance's own alias user: the owner of HOME/alias (berth-setup's Palias in multi-user
   mode), never passwd's "alias", which another instance or a qmail on the host may have: it
   would take this instance's postmaster mail (security review). */
static int alias (lctx const *c, char const *lower, target *t, stralloc *sa)
{
  t->uid = c->root ? c->homeuid : c->uid ;
  t->gid = c->root ? c->homegid : c->gid ;
  return set_strings(t, sa, ALIAS_USER, c->aliashome, "-", lower) ? 1 : -1 ;
}

char lookup (lctx const *c, getpw *g, char const *lower, target *t, stralloc *sa, char const **text)
{
  cdb db = CDB_ZERO ;
  int r ;
  if (!lower[0])
  {
    *text = "Trashed: empty local part. (#2.0.0)" ;
    return RESULT_OK ;
  }
  if (cdb_init(&db, ASSIGN_CDB))
  {
    assign a ;
    r = assign_lookup(&db, lower, &a, sa) ;
    cdb_free(&db) ;
    if (r < 0) { *text = "Unable to read users/assign.cdb. (#4.3.0)" ; return RESULT_TEMP ; }
    if (r)
    {
      t->uid = a.uid ; t->gid = a.gid ; t->user = a.user ; t->home = a.home ; t->dash = a.dash ; t->ext = a.ext ;
      goto found ;
    }
  }
  else if (errno != ENOENT) { *text = "Unable to open users/assign.cdb. (#4.3.0)" ; return RESULT_TEMP ; }
  r = passwd_lookup(c, g, lower, t, sa) ;
  if (!r) r = alias(c, lower, t, sa) ;
  if (r < 0) { *text = "Unable to look up the user (passwd). (#4.3.0)" ; return RESULT_TEMP ; }
 found:
  if (!t->uid)
  {
    *text = "Refusing to deliver as root: the address maps to uid 0. (#4.7.0)" ;
    return RESULT_TEMP ;
  }
  if (!c->root && t->uid != c->uid)
  {
    *text = "Sorry, this single-user instance delivers only to its owner's uid. (#5.1.1)" ;
    return RESULT_PERM ;
  }
  return 0 ;
}
