/* ISC license. */
/* MTA-STS (RFC 8461): the _mta-sts TXT record, the policy file, its cache entry (one file per
   policy domain in queue/mtasts/, doc/berth-mtasts.md) and MX pattern matching. Trust: the
   TXT record and the policy are the network's: parsed with bounds, never trusted further. */
#ifndef BERTH_MTASTS_H
#define BERTH_MTASTS_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>

#define MTASTS_DIR "queue/mtasts"
#define MTASTS_ID_MAX 32            /* RFC 8461 3.1: 1*32(ALPHA / DIGIT) */
#define MTASTS_MAXAGE_MAX 31557600  /* RFC 8461 3.2: at most a year */
#define MTASTS_POLICY_MAX 65536     /* bytes of a policy file read at most */
#define MTASTS_MX_MAX 64            /* mx lines kept at most */
#define MTASTS_DOMAIN_MAX 253

#define MTASTS_NONE 0
#define MTASTS_TESTING 1
#define MTASTS_ENFORCE 2

typedef struct mtasts_policy_s mtasts_policy, *mtasts_policy_ref ;
struct mtasts_policy_s
{
  int mode ;                  /* MTASTS_NONE, MTASTS_TESTING, MTASTS_ENFORCE */
  uint32_t max_age ;          /* seconds */
  uint64_t fetched ;          /* the cache entry's: seconds since the epoch; 0 when parsed */
  char id[MTASTS_ID_MAX + 1] ;/* the TXT record's id the policy was fetched for; "" when parsed */
  stralloc mx ;               /* patterns, each NUL-terminated, lower case, no final dot */
} ;
#define MTASTS_POLICY_ZERO { .mode = MTASTS_NONE, .max_age = 0, .fetched = 0, .id = "", .mx = STRALLOC_ZERO }

extern char const *const mtasts_modes[3] ;   /* "none", "testing", "enforce" */

/* One TXT record's text: 1 and id set (NUL-terminated) when it is "v=STSv1; id=...;" with a
   valid id (other fields ignored), 0 when it is not an STSv1 record, -1 when it starts with
   v=STSv1 but is invalid. */
extern int mtasts_txt_parse (char const *s, char *id) ;

/* Every TXT record of _mta-sts (each NUL-terminated in sa): 1 and id when exactly one STSv1
   record is there and valid (RFC 8461 3.1), else 0. */
extern int mtasts_txt_pick (char const *s, size_t len, char *id) ;

/* The policy file (RFC 8461 3.2): s[0..len). 1 and p set (mode, max_age, mx); 0 and *why set
   when it is not a valid policy. */
extern int mtasts_policy_parse (char const *s, size_t len, mtasts_policy *p, char const **why) ;

/* Does host (an MX name) match one of p's mx patterns (RFC 8461 4.1)? */
extern int mtasts_mx_match (mtasts_policy const *p, char const *host) ;

/* A domain usable as a cache file name and in a URL: letters, digits, '-', '.' inside, at most
   MTASTS_DOMAIN_MAX bytes; lower-cased into out (MTASTS_DOMAIN_MAX + 1 bytes). 1 ok, 0 not. */
extern int mtasts_domain_ok (char const *domain, char *out) ;

/* The cache entry: "key value\n" lines (id, mode, max_age, fetched, mx ...). format appends
   p's entry to sa; read parses dir/domain into p: 1 ok, 0 none, -1 unreadable or garbled (errno). */
extern int mtasts_cache_format (stralloc *sa, mtasts_policy const *p) ;
extern int mtasts_cache_parse (char const *s, size_t len, mtasts_policy *p) ;
extern int mtasts_cache_read (char const *dir, char const *domain, mtasts_policy *p) ;

/* p is still valid at now (seconds since the epoch): fetched + max_age > now */
extern int mtasts_fresh (mtasts_policy const *p, uint64_t now) ;

#endif
