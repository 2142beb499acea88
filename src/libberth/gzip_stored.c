/* ISC license. */
/* RFC 1952 gzip around RFC 1951 stored blocks: no compression, but valid gzip that every
   gunzip reads (berth links no zlib). The CRC-32 is RFC 1952 8's (polynomial 0xedb88320),
   computed bit by bit: a report is a few kilobytes. Trust: s is the caller's. */

#include <skalibs/uint16.h>
#include <skalibs/uint32.h>
#include <berth/tlsrpt.h>

#define GZIP_ID1 0x1f
#define GZIP_ID2 0x8b
#define GZIP_CM_DEFLATE 8
#define GZIP_OS_UNIX 3
#define CRC32_POLY 0xedb88320U
#define STORED_MAX 65535          /* a stored block's length is 16 bits */
#define BLOCK_STORED_FINAL 1      /* BFINAL = 1, BTYPE = 00 */
#define BLOCK_STORED 0

uint32_t crc32_update (uint32_t crc, char const *s, size_t len)
{
  crc = ~crc ;
  for (size_t i = 0 ; i < len ; i++)
  {
    crc ^= (unsigned char)s[i] ;
    for (unsigned int k = 0 ; k < 8 ; k++) crc = crc & 1 ? (crc >> 1) ^ CRC32_POLY : crc >> 1 ;
  }
  return ~crc ;
}

int gzip_stored (stralloc *sa, char const *s, size_t len)
{
  /* ID1 ID2 CM FLG MTIME(4) XFL OS: no name, no time */
  static char const head[10] = { GZIP_ID1, (char)GZIP_ID2, GZIP_CM_DEFLATE, 0, 0, 0, 0, 0, 0, GZIP_OS_UNIX } ;
  char tail[8] ;
  size_t i = 0 ;
  if (!stralloc_catb(sa, head, sizeof head)) return 0 ;
  do
  {
    size_t n = len - i > STORED_MAX ? STORED_MAX : len - i ;
    char bh[5] ;
    bh[0] = i + n == len ? BLOCK_STORED_FINAL : BLOCK_STORED ;
    uint16_pack(bh + 1, n) ;             /* LEN, then NLEN, little-endian */
    uint16_pack(bh + 3, ~n & 0xffff) ;
    if (!stralloc_catb(sa, bh, 5) || !stralloc_catb(sa, s + i, n)) return 0 ;
    i += n ;
  } while (i < len) ;
  uint32_pack(tail, crc32_update(0, s, len)) ;   /* CRC32, ISIZE: little-endian */
  uint32_pack(tail + 4, (uint32_t)len) ;
  return stralloc_catb(sa, tail, 8) ;
}
