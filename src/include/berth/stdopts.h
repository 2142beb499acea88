/* ISC license. */
/* --help and --version, the same for every program of the suite (libberth/berth_stdopts.c). */
#ifndef BERTH_STDOPTS_H
#define BERTH_STDOPTS_H

/* Called first in main, once PROG is set, with the program's synopsis (its usage line or lines,
   each starting with the program's name, as its doc page's Synopsis shows them). When argv[1] is
   exactly "--help", prints the synopsis and a newline on stdout and exits 0; when it is exactly
   "--version", prints "PROG VERSION" (package/info) and exits 0. Any other argv returns at once:
   a program called with qmail's arguments behaves as before. */
extern void berth_stdopts (int argc, char const *const *argv, char const *synopsis) ;

#endif
