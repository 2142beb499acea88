/* ISC license. */
/* libFuzzer target: berth-smtpd's DATA state machine (data.c: end-of-data detection, bare CR/LF,
   dot-unstuffing, line length, header scanning, hop counting, submission headers). The session
   of smtpd.c with a transaction up to DATA before the input, so every byte is message data.
   Beyond smtpd.c's checks: when the session is not authenticated, the first message stored is
   exactly the Received line followed by a simple model of the wire text: CRLF lines, up to the
   first "." line, each leading dot removed, LF endings. */

#include <stddef.h>
#include <skalibs/stralloc.h>

#define FUZZ_PREFIX "EHLO client.example\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"
#define FUZZ_DATA_MODEL
#define WIRE_LINE_MAX 1000

/* 1 and the expected stored text in m if the data ends properly; 0 if the session drops it
   (bare CR or LF, no end) or refuses it for a long line. */
static int fuzz_data_model (stralloc *m, char const *s, size_t len)
{
  size_t i = 0 ;
  m->len = 0 ;
  while (i < len)
  {
    size_t j = i ;
    while (j < len && s[j] != '\r' && s[j] != '\n') j++ ;
    if (j + 1 >= len || s[j] != '\r' || s[j+1] != '\n') return 0 ;
    if (j + 2 - i > WIRE_LINE_MAX) return 0 ;
    if (j - i == 1 && s[i] == '.') return 1 ;
    if (s[i] == '.') i++ ;
    if (!stralloc_catb(m, s + i, j - i) || !stralloc_catb(m, "\n", 1)) return 0 ;
    i = j + 2 ;
  }
  return 0 ;
}

#include "smtpd.c"
