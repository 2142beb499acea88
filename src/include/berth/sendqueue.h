/* ISC license. */
/* Queue directories owned by berth-send (doc/send-state.md): per-message state and the
   permanent-failure records waiting for the bouncer. */
#ifndef BERTH_SENDQUEUE_H
#define BERTH_SENDQUEUE_H

#define QUEUE_STATE "queue/state"
#define QUEUE_BOUNCE "queue/bounce"
#define QUEUE_DELAY "queue/delay"
#define QUEUE_BAD "queue/bad"   /* bad/<id>: a quarantined todo/ or state/ entry, never read again */

/* Removes the quarantined entry id: mess/<id>, then bad/<id> and its records (info/, hold/).
   0 ok, -1 error (errno; ENOENT: no such entry). For berth-send's and berth-qctl's delete. */
extern int queue_bad_remove (char const *id) ;

#endif
