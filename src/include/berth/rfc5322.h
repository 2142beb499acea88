/* ISC license. */
/* RFC 5322 header fields: recognising a field line and extracting the addresses of an address list.
   Trust: the bytes come from whoever wrote the message; every length is checked, nothing is assumed. */
#ifndef BERTH_RFC5322_H
#define BERTH_RFC5322_H

#include <stddef.h>
#include <skalibs/stralloc.h>

/* s (len bytes, no NUL needed) starts a header field "name:" (printable name, optional WSP before
   the colon). Returns 1 and sets *namelen and *body (offset just after the colon), else 0. */
extern int rfc5322_field (char const *s, size_t len, size_t *namelen, size_t *body) ;

/* The field name (namelen bytes) equals name, ignoring case. */
extern int rfc5322_nameis (char const *s, size_t namelen, char const *name) ;

/* Appends every address of the address list s (a field body; folded lines, comments, display
   names, groups, routes and quoted strings allowed) to sa, each unquoted and NUL-terminated:
   "local@domain", or "local" when there is no domain, or "" for <>. Group names and display names
   are dropped. Returns the number of addresses, or -1 with errno EINVAL (syntax error, or an
   address holding a control byte other than TAB inside quotes) or ENOMEM. On -1, sa->len is left as it was. */
extern int rfc5322_addrlist (stralloc *sa, char const *s, size_t len) ;

#endif
