/* ISC license. */
/* berth-showctl: the warnings that look past one setting: files in control/ berth does not know
   (qmail-showctl's "I have no idea what this file does"), compiled files behind their source,
   domains both local and virtual.
   Trust: reads the instance's control/ and users/ only; names are printed with control bytes
   masked (a file name is the administrator's, but may hold anything). */

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <skalibs/direntry.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/control.h>
#include <berth/stale.h>
#include "showctl.h"

#define CONTROL_DIR "control"

typedef struct compiled_s compiled, *compiled_ref ;
struct compiled_s
{
  char const *src ;
  char const *cdb ;
  int needed ;       /* a source with entries is not in effect at all without its cdb */
  char const *how ;  /* what makes the cdb current */
} ;

/* Every source berth compiles. The services compile their tcprules files when they start: a
   missing tcp cdb is made then, an older one stays in effect until berth-reload (tcp.smtp) or a
   restart of the service. */
static compiled const sources[] =
{
  { "control/morercpthosts", "control/morercpthosts.cdb", 1, "run berth-reload" },
  { "users/assign", "users/assign.cdb", 1, "run berth-newu or berth-reload" },
  { "control/tcp.smtp", "control/tcp.smtp.cdb", 0, "run berth-reload" },
  { "control/tcp.qmqpd", "control/tcp.qmqpd.cdb", 0, "restart the qmqpd service" },
  { "control/tcp.qmtpd", "control/tcp.qmtpd.cdb", 0, "restart the qmtpd service" },
  { 0, 0, 0, 0 }
} ;

/* a name for a warning: control bytes shown as '?' */
static void clean (char *s)
{
  for (; *s ; s++) if ((unsigned char)*s < 32 || *s == 127) *s = '?' ;
}

unsigned int showctl_unknown (stralloc *ws)
{
  unsigned int w = 0 ;
  DIR *dir = opendir(CONTROL_DIR) ;
  if (!dir)
  {
    if (errno == ENOENT) return showctl_warn(ws, "there is no ", CONTROL_DIR, " directory") ;
    strerr_diefu2sys(111, "open ", CONTROL_DIR) ;
  }
  for (;;)
  {
    direntry *d ;
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") || showctl_known(d->d_name)) continue ;
    {
      size_t n = strlen(d->d_name) ;
      char name[n + 1] ;
      memcpy(name, d->d_name, n + 1) ;
      clean(name) ;
      w += showctl_warn(ws, CONTROL_DIR "/", name, ": I have no idea what this file does (not a berth control file: misspelt, or another program's)") ;
    }
  }
  if (errno) strerr_diefu2sys(111, "read ", CONTROL_DIR) ;
  dir_close(dir) ;
  return w ;
}

/* 1 when the file has a line that is not "." (users/assign's end mark alone: no entries) */
static int has_entries (char const *fn)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = control_readlines(&sa, fn) > 0 && sa.len && strcmp(sa.s, ".") ;
  stralloc_free(&sa) ;
  return r ;
}

unsigned int showctl_stale (stralloc *ws)
{
  unsigned int w = 0 ;
  for (compiled const *c = sources ; c->src ; c++)
  {
    int r = berth_stale(c->src, c->cdb) ;
    if (r < 0) { w += showctl_warn(ws, "unable to compare ", c->src, " with its cdb") ; continue ; }
    if (r == BERTH_STALE_OLDER && (c->needed ? has_entries(c->src) : 1))
    {
      stralloc sa = STRALLOC_ZERO ;
      if (!stralloc_cats(&sa, " is newer than ") || !stralloc_cats(&sa, c->cdb)
       || !stralloc_cats(&sa, ": ") || !stralloc_cats(&sa, c->how) || !stralloc_0(&sa))
        strerr_diefu1sys(111, "allocate") ;
      w += showctl_warn(ws, c->src, sa.s, "") ;
      stralloc_free(&sa) ;
    }
    else if (r == BERTH_STALE_MISSING && c->needed && has_entries(c->src))
      w += showctl_warn(ws, c->src, " has entries but is not compiled (no cdb): ", c->how) ;
  }
  return w ;
}

static int in_list (stralloc const *list, char const *s)
{
  for (size_t i = 0 ; i < list->len ; i += strlen(list->s + i) + 1)
    if (!strcasecmp(list->s + i, s)) return 1 ;
  return 0 ;
}

unsigned int showctl_virtual (char const *me, size_t melen, stralloc *ws)
{
  stralloc locals = STRALLOC_ZERO, virt = STRALLOC_ZERO ;
  unsigned int w = 0 ;
  if (control_readlines(&locals, "control/locals") == 0 && !stralloc_catb(&locals, me, melen + 1))
    strerr_diefu1sys(111, "allocate") ;
  if (control_readlines(&virt, "control/virtualdomains") > 0)
    for (size_t i = 0 ; i < virt.len ; i += strlen(virt.s + i) + 1)
    {
      char const *line = virt.s + i ;
      char const *colon = strchr(line, ':') ;
      if (!colon) { w += showctl_warn(ws, "control/virtualdomains: a line without a colon: ", line, "") ; continue ; }
      {
        char key[colon - line + 1] ;
        memcpy(key, line, colon - line) ; key[colon - line] = 0 ;
        if (in_list(&locals, key)) w += showctl_warn(ws, "domain ", key, " is both in locals and in virtualdomains (locals wins)") ;
      }
    }
  stralloc_free(&locals) ;
  stralloc_free(&virt) ;
  return w ;
}
