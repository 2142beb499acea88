/* ISC license. */
/* Strict RFC 4648 base64 decoding (section 4 alphabet, padding required).
   Trust: the input comes from the network peer; every byte is checked against the table. */

#include <errno.h>
#include <berth/base64.h>

#define B64_BAD 0xff
#define B64_PAD 0xfe

static unsigned char value (unsigned char c)
{
  if (c >= 'A' && c <= 'Z') return c - 'A' ;
  if (c >= 'a' && c <= 'z') return c - 'a' + 26 ;
  if (c >= '0' && c <= '9') return c - '0' + 52 ;
  if (c == '+') return 62 ;
  if (c == '/') return 63 ;
  if (c == '=') return B64_PAD ;
  return B64_BAD ;
}

ssize_t base64_decode (char *out, char const *in, size_t len)
{
  size_t i = 0, w = 0 ;
  if (len & 3) goto inval ;
  for (; i < len ; i += 4)
  {
    unsigned char v[4] ;
    unsigned int j = 0, npad = 0 ;
    for (; j < 4 ; j++)
    {
      v[j] = value((unsigned char)in[i + j]) ;
      if (v[j] == B64_BAD) goto inval ;
      if (v[j] == B64_PAD) { npad++ ; v[j] = 0 ; }
      else if (npad) goto inval ;           /* data after padding */
    }
    if (npad > 2 || (npad && i + 4 < len)) goto inval ;
    if (npad == 2 && (v[1] & 0x0f)) goto inval ;   /* leftover bits must be zero */
    if (npad == 1 && (v[2] & 0x03)) goto inval ;
    out[w++] = (char)((v[0] << 2) | (v[1] >> 4)) ;
    if (npad < 2) out[w++] = (char)(((v[1] & 0x0f) << 4) | (v[2] >> 2)) ;
    if (!npad) out[w++] = (char)(((v[2] & 0x03) << 6) | v[3]) ;
  }
  return (ssize_t)w ;
 inval:
  errno = EINVAL ;
  return -1 ;
}
