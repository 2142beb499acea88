/* ISC license. */
/* Queue directories owned by berth-send (doc/send-state.md): per-message state and the
   permanent-failure records waiting for the bouncer. */
#ifndef BERTH_SENDQUEUE_H
#define BERTH_SENDQUEUE_H

#define QUEUE_STATE "queue/state"
#define QUEUE_BOUNCE "queue/bounce"
#define QUEUE_DELAY "queue/delay"

#endif
