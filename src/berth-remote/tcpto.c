/* ISC license. */
/* berth-remote: addresses whose connect timed out, remembered in queue/lock/tcpto (qmail's tcpto),
   so one dead MX does not cost every delivery its connect timeout. Best effort: errors ignored.
   Record: family (4 or 6), consecutive timeouts, 6 bytes unused, time (8, big endian), address (16). */

#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/uint64.h>
#include <skalibs/djbunix.h>
#include <berth/clock.h>
#include "remote.h"

#define TCPTO_FILE "queue/lock/tcpto"
#define TCPTO_REC 32
#define TCPTO_MAX 64
#define TCPTO_BASE 600     /* first timeout: skip the address for 10 minutes */
#define TCPTO_SHIFT_MAX 3  /* then 20, 40, at most 80 minutes */

static int find (char const *buf, size_t len, char const *ip, int is6)
{
  for (size_t i = 0 ; i + TCPTO_REC <= len ; i += TCPTO_REC)
    if (buf[i] == (is6 ? 6 : 4) && !memcmp(buf + i + 16, ip, is6 ? 16 : 4)) return i / TCPTO_REC ;
  return -1 ;
}

int remote_tcpto_dead (char const *ip, int is6)
{
  char buf[TCPTO_REC * TCPTO_MAX] ;
  uint64_t when ;
  unsigned int count, shift ;
  ssize_t r = openreadnclose(TCPTO_FILE, buf, sizeof buf) ;
  int i ;
  if (r <= 0) return 0 ;
  i = find(buf, r, ip, is6) ;
  if (i < 0) return 0 ;
  count = (unsigned char)buf[i * TCPTO_REC + 1] ;
  if (!count) return 0 ;
  uint64_unpack_big(buf + i * TCPTO_REC + 8, &when) ;
  shift = count - 1 > TCPTO_SHIFT_MAX ? TCPTO_SHIFT_MAX : count - 1 ;
  return berth_clock_ms() / 1000 < when + ((uint64_t)TCPTO_BASE << shift) ;
}

void remote_tcpto_mark (char const *ip, int is6, int failed)
{
  char buf[TCPTO_REC * TCPTO_MAX] ;
  ssize_t r ;
  int i ;
  int fd = open(TCPTO_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600) ;
  if (fd < 0) return ;
  if (fd_lock(fd, 1, 0) < 1) goto end ;
  r = pread(fd, buf, sizeof buf, 0) ;
  if (r < 0) goto end ;
  r -= r % TCPTO_REC ;
  i = find(buf, r, ip, is6) ;
  if (i < 0)
  {
    if (!failed) goto end ;
    if (r < (ssize_t)sizeof buf) i = r / TCPTO_REC ;
    else
    {  /* full: reuse the oldest record */
      uint64_t oldest = (uint64_t)-1 ;
      for (int j = 0 ; j < TCPTO_MAX ; j++)
      {
        uint64_t w ;
        uint64_unpack_big(buf + j * TCPTO_REC + 8, &w) ;
        if (w < oldest) { oldest = w ; i = j ; }
      }
    }
    memset(buf + i * TCPTO_REC, 0, TCPTO_REC) ;
    buf[i * TCPTO_REC] = is6 ? 6 : 4 ;
    memcpy(buf + i * TCPTO_REC + 16, ip, is6 ? 16 : 4) ;
  }
  if (failed)
  {
    unsigned char *count = (unsigned char *)buf + i * TCPTO_REC + 1 ;
    if (*count < 255) (*count)++ ;
    uint64_pack_big(buf + i * TCPTO_REC + 8, berth_clock_ms() / 1000) ;
  }
  else if (!buf[i * TCPTO_REC + 1]) goto end ;
  else buf[i * TCPTO_REC + 1] = 0 ;
  if (pwrite(fd, buf + i * TCPTO_REC, TCPTO_REC, i * TCPTO_REC) < 0) goto end ;
 end:
  fd_close(fd) ;
}
