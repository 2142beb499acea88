/* ISC license. */
/* TLS-RPT (RFC 8460): the session records berth-remote appends, one file per day and policy
   domain (queue/tlsrpt/DAY/DOMAIN), the _smtp._tls TXT record, the report's JSON strings and its
   gzip container (doc/berth-tlsrpt.md). Trust: the TXT record is the network's; a record line
   is berth-remote's, made of the network's words (MX names, berth-tlsc reasons) made printable. */
#ifndef BERTH_TLSRPT_H
#define BERTH_TLSRPT_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>

#define TLSRPT_DIR "queue/tlsrpt"
#define TLSRPT_CONTROL "control/tlsrpt"
#define TLSRPT_DAY_LEN 10           /* YYYY-MM-DD */
#define TLSRPT_KEEP_DAYS 7          /* a day's files wait this long for DNS at most */
#define TLSRPT_LINE_MAX 4096        /* one session's record, at most */
#define TLSRPT_SEP '\t'             /* between a record's fields */

/* A record: TYPE SEP RESULT SEP MX SEP IP SEP REASON [SEP POLICY-STRING ...] "\n"; TYPE is
   sts, tlsa or no-policy-found; RESULT success or an RFC 8460 4.3 result type; an empty field
   is unknown. Fields of the record line, split in place (each NUL-terminated): */
#define TLSRPT_F_TYPE 0
#define TLSRPT_F_RESULT 1
#define TLSRPT_F_MX 2
#define TLSRPT_F_IP 3
#define TLSRPT_F_REASON 4
#define TLSRPT_F_POLICY 5           /* the first policy string, when there is one */
#define TLSRPT_SUCCESS "success"

/* Appends field s to a record in sa: SEP first unless first, every byte outside printable
   ASCII (and SEP) as '?'. 1 ok, 0 out of memory. */
extern int tlsrpt_field_cat (stralloc *sa, char const *s, int first) ;

/* today's (t's) UTC day as YYYY-MM-DD in s (TLSRPT_DAY_LEN + 1 bytes, NUL-terminated); 1, or 0
   out of range. scan: 1 and *t the day's 00:00:00 UTC when s is such a day, else 0. */
extern int tlsrpt_day_fmt (char *s, uint64_t t) ;
extern int tlsrpt_day_scan (char const *s, uint64_t *t) ;

/* One TXT record of _smtp._tls (RFC 8460 3): 1 when it is "v=TLSRPTv1; rua=URI,URI", each
   mailto: address (its ?query dropped) appended to rua NUL-terminated, *https counting the
   https: URIs (not used); 0 when it is not a TLSRPTv1 record; -1 when it is one but invalid.
   pick: every TXT record (each NUL-terminated in s): 1 when exactly one is TLSRPTv1 and valid. */
extern int tlsrpt_txt_parse (char const *s, stralloc *rua, unsigned int *https) ;
extern int tlsrpt_txt_pick (char const *s, size_t len, stralloc *rua, unsigned int *https) ;

/* s[0..len) as a JSON string (quoted) appended to sa: valid UTF-8 copied, '"', '\' and control
   bytes escaped, other bytes as \u00XX. 1 ok, 0 out of memory. */
extern int json_str_cat (stralloc *sa, char const *s, size_t len) ;

/* RFC 1952: s[0..len) as a gzip member of stored (uncompressed) deflate blocks (RFC 1951
   3.2.4), appended to sa; crc32 is its CRC-32 (start with 0). 1 ok, 0 out of memory. */
extern uint32_t crc32_update (uint32_t crc, char const *s, size_t len) ;
extern int gzip_stored (stralloc *sa, char const *s, size_t len) ;

/* The report (RFC 8460 4): the records of one day and policy domain, s[0..len) (lines as
   berth-remote writes them; a line with fewer fields is skipped), as its JSON appended to sa.
   Sessions are grouped by policy (type and strings), failures by result type, MX, address
   and reason. 1 ok, 0 out of memory; *bad counts the skipped lines. */
typedef struct tlsrpt_meta_s tlsrpt_meta, *tlsrpt_meta_ref ;
struct tlsrpt_meta_s
{
  char const *org ;           /* organization-name */
  char const *contact ;       /* contact-info */
  char const *id ;            /* report-id */
  char const *domain ;        /* policy-domain */
  char const *day ;           /* YYYY-MM-DD: the date-range */
} ;
extern int tlsrpt_json (stralloc *sa, char *s, size_t len, tlsrpt_meta const *m, unsigned int *bad) ;

#endif
