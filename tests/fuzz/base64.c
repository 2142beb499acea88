/* ISC license. */
/* libFuzzer target: the strict base64 decoder SMTP AUTH uses (berth-smtpd's auth.c). Checks
   that it never writes past BASE64_DECODED_MAX, and that what it accepts is canonical: encoding
   the result again gives back the input byte for byte. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <berth/base64.h>

static char const alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" ;

static size_t encode (char *out, unsigned char const *s, size_t len)
{
  size_t w = 0 ;
  for (size_t i = 0 ; i < len ; i += 3)
  {
    unsigned int v = s[i] << 16 | (i + 1 < len ? s[i+1] << 8 : 0) | (i + 2 < len ? s[i+2] : 0) ;
    out[w++] = alphabet[v >> 18 & 63] ;
    out[w++] = alphabet[v >> 12 & 63] ;
    out[w++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=' ;
    out[w++] = i + 2 < len ? alphabet[v & 63] : '=' ;
  }
  return w ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  size_t max = BASE64_DECODED_MAX(size) ;
  char *out = malloc(max ? max : 1) ;   /* exactly the promised room: ASan sees one byte more */
  ssize_t r ;
  if (!out) return 0 ;
  r = base64_decode(out, (char const *)data, size) ;
  if (r >= 0)
  {
    char *back = malloc(size + 4) ;
    if ((size_t)r > max || !back) abort() ;
    if (encode(back, (unsigned char const *)out, r) != size || memcmp(back, data, size)) abort() ;
    free(back) ;
  }
  free(out) ;
  return 0 ;
}
