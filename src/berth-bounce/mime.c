/* ISC license. */
/* The RFC 3464 / RFC 6522 report: multipart/report; report-type=delivery-status, with a text part,
   a message/delivery-status part and the original (message/rfc822 or text/rfc822-headers). */

#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/addrquote.h>
#include <berth/dsn.h>
#include <berth/envext.h>
#include "bounce.h"

#define SUBJECT "Undelivered Mail Returned to Sender"
#define SUBJECT_DELAYED "Delayed Mail (still being retried)"
#define SUBJECT_SUCCESS "Successful Mail Delivery Report"
#define STATUS_SUCCESS "2.0.0"
#define TEXT_INDENT "    "
#define FIELD_CONT " "

/* A header-style line "name: value", value cleaned to ASCII and folded. */
static int field (wout *w, stralloc *tmp, char const *name, char const *pre, char const *s, size_t len)
{
  stralloc v = STRALLOC_ZERO ;
  int r ;
  tmp->len = 0 ;
  r = stralloc_cats(&v, pre) && dsn_clean(&v, s, len, 0)
   && dsn_fold(tmp, name, v.s, v.len, FIELD_CONT, DSN_FOLD_WIDTH) && wputsa(w, tmp) ;
  stralloc_free(&v) ;
  return r ;
}

/* An address field: the address in RFC 5322 form (its local part quoted when it is no
   dot-atom, as qmail's quote2 does), then cleaned and folded as any field. */
static int afield (wout *w, stralloc *tmp, char const *name, char const *pre, char const *s, size_t len)
{
  stralloc a = STRALLOC_ZERO, q = STRALLOC_ZERO ;
  int r = stralloc_catb(&a, s, len) && stralloc_0(&a) && addr_quote(&q, a.s)
   && field(w, tmp, name, pre, q.s, q.len) ;
  stralloc_free(&a) ; stralloc_free(&q) ;
  return r ;
}

static int fields (wout *w, char const *name, char const *s)
{
  stralloc tmp = STRALLOC_ZERO ;
  int r = field(w, &tmp, name, "", s, strlen(s)) ;
  stralloc_free(&tmp) ;
  return r ;
}

static int headers (wout *w, bounce const *x)
{
  stralloc sa = STRALLOC_ZERO, tmp = STRALLOC_ZERO ;
  int r = stralloc_cats(&sa, x->from) && stralloc_catb(&sa, "@", 1) && stralloc_cats(&sa, x->bouncehost) && stralloc_0(&sa)
   && fields(w, "From: ", sa.s)
   && afield(w, &tmp, "To: ", "", x->rcpt, strlen(x->rcpt))
   && wputs(w, "Subject: ") && wputs(w, x->delayed ? SUBJECT_DELAYED : x->nsuccess == x->n ? SUBJECT_SUCCESS : SUBJECT)
   && wputs(w, "\nDate: ") && wdate(w, x->now)
   && (sa.len = 0, stralloc_catb(&sa, "<", 1)) && stralloc_cats(&sa, x->id) && stralloc_cats(&sa, ".bounce@")
   && stralloc_cats(&sa, x->bouncehost) && stralloc_catb(&sa, ">", 1) && stralloc_0(&sa)
   && wputs(w, "\n") && fields(w, "Message-ID: ", sa.s)
   && wputs(w, "Auto-Submitted: auto-replied\nMIME-Version: 1.0\n"
               "Content-Type: multipart/report; report-type=delivery-status;\n boundary=\"")
   && wputs(w, x->boundary) && wputs(w, "\"\nContent-Transfer-Encoding: ")
   && wputs(w, x->has8bit ? "8bit" : "7bit")
   && wputs(w, "\n\nThis is a MIME-encapsulated message.\n\n") ;
  stralloc_free(&sa) ; stralloc_free(&tmp) ;
  return r ;
}

static int part (wout *w, bounce const *x, char const *desc, char const *type, int eightbit)
{
  return wputs(w, "--") && wputs(w, x->boundary) && wputs(w, "\nContent-Description: ") && wputs(w, desc)
   && wputs(w, "\nContent-Type: ") && wputs(w, type)
   && wputs(w, eightbit ? "\nContent-Transfer-Encoding: 8bit\n\n" : "\nContent-Transfer-Encoding: 7bit\n\n") ;
}

static int textpart (wout *w, bounce const *x)
{
  stralloc sa = STRALLOC_ZERO, v = STRALLOC_ZERO ;
  char num[UINT64_FMT] ;
  int r = part(w, x, "Notification", "text/plain; charset=us-ascii", 0)
   && wputs(w, "This is the berth mail system at host ") && wputs(w, x->bouncehost) && wputs(w, ".\n\n")
   && wputs(w, x->delayed
     ? "This is a warning only: your message has not yet been delivered to the\n"
       "recipients below. I am still trying; you do not need to send it again.\n"
       "You will hear from me again only if I have to give up.\n\n"
     : x->dbl
     ? "A delivery status notification (a bounce) could not be delivered to its\n"
       "recipients. The original bounce is attached below.\n\n"
     : x->nsuccess == x->n
     ? "Your message was delivered to the recipients below, as you asked to be told.\n"
       "A message relayed to a system that does not report on delivery may still\n"
       "bring notices of failure from elsewhere.\n\n"
     : x->nsuccess
     ? "I'm sorry to have to inform you that your message could not be delivered\n"
       "to one or more recipients. This is a permanent error; I've given up.\n"
       "Others below received it, as you asked to be told.\n\n"
     : "I'm sorry to have to inform you that your message could not be delivered\n"
       "to one or more recipients. This is a permanent error; I've given up.\n\n") ;
  if (r && x->messfd < 0)
    r = wputs(w, "The original message is no longer available, so it is not attached.\n\n") ;
  else if (r && x->headersonly && !x->delayed && x->messsize > x->maxbytes)
  {
    num[uint64_fmt(num, x->maxbytes)] = 0 ;
    r = wputs(w, "The original message was larger than ") && wputs(w, num)
     && wputs(w, " bytes, so only its headers\nare attached below.\n\n") ;
  }
  for (size_t i = 0 ; r && i < x->n ; i++)
  {
    dsn_rcpt const *p = x->r + i ;
    sa.len = 0 ; v.len = 0 ;
    r = stralloc_catb(&v, "<", 1) && dsn_clean(&v, x->recs + p->addr, p->addrlen, 0) && stralloc_catb(&v, ">:", 2)
     && dsn_fold(&sa, "", v.s, v.len, TEXT_INDENT, DSN_FOLD_WIDTH)
     && (v.len = 0, dsn_clean(&v, x->recs + p->text, p->textlen, 0))
     && dsn_fold(&sa, TEXT_INDENT, v.s, v.len, TEXT_INDENT, DSN_FOLD_WIDTH)
     && stralloc_catb(&sa, "\n", 1) && wputsa(w, &sa) ;
  }
  stralloc_free(&sa) ; stralloc_free(&v) ;
  return r ;
}

static char const *action (bounce const *x, dsn_rcpt const *p)
{
  return x->delayed ? "delayed" : p->status == DSN_REC_DELIVERED ? "delivered" : p->status == DSN_REC_RELAYED ? "relayed" : "failed" ;
}

/* Original-Envelope-Id: ENVID decoded (RFC 3464 2.2.1), cleaned as any field */
static int envidfield (wout *w, stralloc *tmp, bounce const *x)
{
  stralloc v = STRALLOC_ZERO ;
  int r = xtext_decode(&v, x->envid, x->envidlen) && field(w, tmp, "Original-Envelope-Id: ", "", v.s, v.len) ;
  stralloc_free(&v) ;
  return r ;
}

static int statuspart (wout *w, bounce const *x)
{
  stralloc tmp = STRALLOC_ZERO, orig = STRALLOC_ZERO ;
  int r = part(w, x, "Delivery report", "message/delivery-status", 0)
   && fields(w, "Reporting-MTA: dns; ", x->me)
   && fields(w, "X-Berth-Queue-ID: ", x->id)
   && (!x->envid || envidfield(w, &tmp, x))
   && wputs(w, "Arrival-Date: ") && wdate(w, x->arrival) && wputs(w, "\n") ;
  for (size_t i = 0 ; r && i < x->n ; i++)
  {
    dsn_rcpt const *p = x->r + i ;
    char const *text = x->recs + p->text ;
    char status[DSN_STATUS_MAX] ;
    dsn_diag d = DSN_DIAG_ZERO ;
    int orcpt = bounce_orcpt(&orig, x, p) ;
    dsn_status(status, text, p->textlen) ;
    if (x->delayed) status[0] = '4' ;   /* still being retried: a temporary condition */
    if (DSN_REC_SUCCESS(p->status)) memcpy(status, STATUS_SUCCESS, sizeof(STATUS_SUCCESS)) ;
    dsn_diag_parse(&d, text, p->textlen) ;
    r = wputs(w, "\n") && (!orcpt || field(w, &tmp, "Original-Recipient: ", "", orig.s, orig.len))
     && afield(w, &tmp, "Final-Recipient: ", "rfc822; ", x->recs + p->addr, p->addrlen)
     && wputs(w, "Action: ") && wputs(w, action(x, p)) && wputs(w, "\nStatus: ")
     && wputs(w, status) && wputs(w, "\n")
     && (!d.hostlen || field(w, &tmp, "Remote-MTA: ", "dns; ", text + d.host, d.hostlen))
     && (d.replylen
         ? field(w, &tmp, "Diagnostic-Code: ", "smtp; ", text + d.reply, d.replylen)
         : field(w, &tmp, "Diagnostic-Code: ", "x-berth; ", text, p->textlen))
     && (!p->when || (wputs(w, "Last-Attempt-Date: ") && wdate(w, p->when) && wputs(w, "\n"))) ;
  }
  stralloc_free(&tmp) ; stralloc_free(&orig) ;
  return r && wputs(w, "\n") ;
}

int compose_mime (wout *w, bounce const *x)
{
  if (!headers(w, x) || !textpart(w, x) || !statuspart(w, x)) return 0 ;
  if (x->messfd >= 0)
  {
    if (!part(w, x, x->headersonly ? (x->nsuccess == x->n ? "Message Headers" : "Undelivered Message Headers") : (x->nsuccess == x->n ? "Message" : "Undelivered Message"),
              x->headersonly ? (x->has8bit ? "text/rfc822-headers; charset=utf-8" : "text/rfc822-headers")
                             : "message/rfc822", x->has8bit)
     || !original_copy(w, x)) return 0 ;
  }
  return wputs(w, "\n--") && wputs(w, x->boundary) && wputs(w, "--\n") ;
}
