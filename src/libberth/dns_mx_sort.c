/* ISC license. */

#include <skalibs/random.h>
#include <berth/dns.h>

void dns_mx_sort (dns_mxrec *mxs, size_t n)
{
  /* shuffle, then a stable insertion sort: equal preferences stay in random order */
  for (size_t i = n ; i > 1 ; i--)
  {
    size_t j = random_uint32(i) ;
    dns_mxrec t = mxs[i-1] ; mxs[i-1] = mxs[j] ; mxs[j] = t ;
  }
  for (size_t i = 1 ; i < n ; i++)
  {
    dns_mxrec t = mxs[i] ;
    size_t j = i ;
    while (j && mxs[j-1].pref > t.pref) { mxs[j] = mxs[j-1] ; j-- ; }
    mxs[j] = t ;
  }
}
