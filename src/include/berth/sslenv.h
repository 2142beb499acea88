/* ISC license. */
/* The handshake facts a TLS engine hands to the program it runs: a list of `SSL_NAME=value\0`
   records ended by an empty one. The engine is the most exposed process of the suite (it parses
   a stranger's TLS), so whoever turns its words into an environment keeps only those names. */
#ifndef BERTH_SSLENV_H
#define BERTH_SSLENV_H

#include <stddef.h>
#include <skalibs/stralloc.h>

/* Appends to sa the records of info[0..len) whose name is SSL_ followed by upper-case letters,
   digits or underscores (a name alone, without `=`, unsets it), each NUL-terminated, and drops
   every other record. Returns the number of records dropped, or -1 (out of memory). */
extern int sslenv_filter (stralloc *sa, char const *info, size_t len) ;

#endif
