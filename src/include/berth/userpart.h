/* ISC license. */
/* qmail-getpw's split of a local part into a user name and an extension: the longest prefix
   that ends at the end or before the break character (conf-break, '-') and is shorter than
   USERPART_NAMEMAX bytes, then the shorter ones. berth-lspawn asks passwd about each candidate;
   berth-smtpd's recipient check asks the recipients map (berth/rcptmap.h): one order for both.
   Trust: none; the local part is the caller's. */
#ifndef BERTH_USERPART_H
#define BERTH_USERPART_H

#include <stddef.h>

#define USERPART_NAMEMAX 32

typedef struct userpart_s userpart, *userpart_ref ;
struct userpart_s
{
  size_t next ;   /* the next length to try, plus one; 0: done */
} ;

extern void userpart_start (userpart *it, size_t len) ;

/* The next candidate: 1 and *namelen (the user name is local[0..*namelen); the extension, when
   *namelen < len, is local + *namelen + 1, with dash "-"), or 0 when none is left. */
extern int userpart_next (userpart *it, char const *local, size_t len, char brk, size_t *namelen) ;

#endif
