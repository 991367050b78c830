/* SPDX-License-Identifier: MIT */
/* Library-internal glue between the event readers and the store. */
#ifndef BRINK_EVENTS_INTERNAL_H
#define BRINK_EVENTS_INTERNAL_H

#include "brink/events.h"

/* Replaces the reader's bad-row callback (fn may be NULL); the previous one is returned in
 * *old_fn and *old_userdata. brink_events_import uses it to read in a helper thread while
 * still calling the caller's callback from the caller's thread, in file order. */
void brink__event_reader_swap_bad(brink_event_reader *reader, brink_event_bad_fn fn, void *userdata,
                                  brink_event_bad_fn *old_fn, void **old_userdata);

#endif
