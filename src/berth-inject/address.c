/* ISC license. */
/* berth-inject: qmail-inject's address rewriting (defaulthost, plusdomain, defaultdomain), the
   envelope sender and the default From field. Trust: addresses and names are the local user's. */

#include <errno.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/rfc5322.h>
#include "inject.h"

static void cat (stralloc *sa, char const *s, size_t len)
{
  if (!stralloc_catb(sa, s, len)) strerr_diefu1sys(111, "stralloc_catb") ;
}

static size_t lastat (char const *s, size_t len)
{
  size_t i = len ;
  while (i--) if (s[i] == '@') return i ;
  return len ;
}

/* The address in sa->s[start..sa->len), no NUL: user -> user@defaulthost; host+ -> host.plusdomain;
   a host without a dot -> host.defaultdomain. <> and literals ([...]) are left alone. */
void addr_rewrite (inject *in, stralloc *sa, size_t start)
{
  size_t at, dom ;
  if (sa->len == start) return ;
  at = lastat(sa->s + start, sa->len - start) ;
  if (at == sa->len - start)
  {
    cat(sa, "@", 1) ;
    cat(sa, in->defaulthost.s, in->defaulthost.len) ;
  }
  dom = start + at + 1 ;
  if (dom < sa->len && sa->s[dom] == '[') return ;
  if (sa->len > dom && sa->s[sa->len - 1] == '+')
  {
    sa->len-- ;
    cat(sa, ".", 1) ;
    cat(sa, in->plusdomain.s, in->plusdomain.len) ;
  }
  if (!memchr(sa->s + dom, '.', sa->len - dom))
  {
    cat(sa, ".", 1) ;
    cat(sa, in->defaultdomain.s, in->defaultdomain.len) ;
  }
}

/* Recipients on the command line: each argument is an address list (so "a, b" and
   "Name <a@b>" work, as in qmail-inject). */
void addr_args (inject *in, char const *const *argv)
{
  for (; *argv ; argv++)
  {
    size_t i ;
    in->tmp.len = 0 ;
    if (rfc5322_addrlist(&in->tmp, *argv, strlen(*argv)) < 0)
    {
      if (errno == ENOMEM) strerr_diefu1sys(111, "parse address") ;
      strerr_dief2x(100, "unable to parse address: ", *argv) ;
    }
    for (i = 0 ; i < in->tmp.len ; i += strlen(in->tmp.s + i) + 1)
    {
      size_t here = in->rargs.len ;
      if (!in->tmp.s[i]) continue ;
      if (!stralloc_cats(&in->rargs, in->tmp.s + i)) strerr_diefu1sys(111, "stralloc_cats") ;
      addr_rewrite(in, &in->rargs, here) ;
      if (!stralloc_0(&in->rargs)) strerr_diefu1sys(111, "stralloc_0") ;
    }
  }
}

/* The default envelope sender: QMAILSUSER@QMAILSHOST (falling back to the From user and host),
   with QMAILINJECT m (per-message VERP) and r (per-recipient VERP, "-@[]") applied. */
void addr_sender (inject *in)
{
  char fmt[UINT64_FMT] ;
  if (in->flagsender) return ;
  in->sender.len = 0 ;
  cat(&in->sender, in->mailruser, strlen(in->mailruser)) ;
  if (in->verpmess)
  {
    cat(&in->sender, "-", 1) ;
    cat(&in->sender, fmt, uint64_fmt(fmt, (uint64_t)in->now)) ;
    cat(&in->sender, ".", 1) ;
    cat(&in->sender, fmt, pid_fmt(fmt, in->pid)) ;
  }
  if (in->verprcpt) cat(&in->sender, "-", 1) ;
  if (in->mailrhost)
  {
    cat(&in->sender, "@", 1) ;
    cat(&in->sender, in->mailrhost, strlen(in->mailrhost)) ;
  }
  addr_rewrite(in, &in->sender, 0) ;
  if (in->verprcpt) cat(&in->sender, "-@[]", 4) ;
  if (!stralloc_0(&in->sender)) strerr_diefu1sys(111, "stralloc_0") ;
  in->flagsender = 1 ;
}

static int atext (unsigned char c)
{
  if (c <= 32 || c == 127) return 0 ;
  return !strchr("()<>[]:;@\\,.\"", c) ;
}

static void cat_local (stralloc *sa, char const *s, size_t len)
{
  int quote = !len || s[0] == '.' || s[len-1] == '.' ;
  for (size_t i = 0 ; i < len && !quote ; i++)
    quote = s[i] == '.' ? s[i+1] == '.' : !atext(s[i]) && (unsigned char)s[i] < 128 ;
  if (!quote) { cat(sa, s, len) ; return ; }
  cat(sa, "\"", 1) ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (s[i] == '"' || s[i] == '\\') cat(sa, "\\", 1) ;
    cat(sa, s + i, 1) ;
  }
  cat(sa, "\"", 1) ;
}

static void cat_escaped (stralloc *sa, char const *s, char const *specials)
{
  for (; *s ; s++)
  {
    if (*s == '\n' || *s == '\r') { cat(sa, " ", 1) ; continue ; }
    if (strchr(specials, *s)) cat(sa, "\\", 1) ;
    cat(sa, s, 1) ;
  }
}

/* "From: " line for the user running us: "Name" <user@host>, or user@host (Name) with c. */
void addr_fromfield (inject *in, stralloc *sa)
{
  size_t at ;
  in->tmp.len = 0 ;
  cat(&in->tmp, in->mailuser, strlen(in->mailuser)) ;
  if (in->mailhost)
  {
    cat(&in->tmp, "@", 1) ;
    cat(&in->tmp, in->mailhost, strlen(in->mailhost)) ;
  }
  addr_rewrite(in, &in->tmp, 0) ;
  at = lastat(in->tmp.s, in->tmp.len) ;
  cat(sa, "From: ", 6) ;
  if (in->mailname && !in->namecomment)
  {
    cat(sa, "\"", 1) ;
    cat_escaped(sa, in->mailname, "\"\\") ;
    cat(sa, "\" <", 3) ;
  }
  cat_local(sa, in->tmp.s, at) ;
  cat(sa, in->tmp.s + at, in->tmp.len - at) ;
  if (in->mailname && !in->namecomment) cat(sa, ">", 1) ;
  if (in->mailname && in->namecomment)
  {
    cat(sa, " (", 2) ;
    cat_escaped(sa, in->mailname, "()\\") ;
    cat(sa, ")", 1) ;
  }
  cat(sa, "\n", 1) ;
}
