/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-main-post.h: how a worker thread hands results to the main loop — the one helper the
 * train controller (trainer events) and the session (loading progress) share.
 *
 * A post holds a payload that the worker fills under the post's lock, a weak reference to
 * the object the results are for, and at most one pending idle: cep_main_post_wake() from
 * any thread schedules the callback unless it is already scheduled, so a worker that
 * produces faster than the screen updates costs one main-loop turn per batch of results.
 * The callback runs on the main thread with a strong reference to the owner (it is skipped
 * once the owner is gone) and takes what it needs from the payload under the lock. Posts
 * are reference-counted so a worker can outlive its owner.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _CepMainPost CepMainPost;

/* Called on the main thread; @owner is alive for the call. */
typedef void (*CepMainPostFunc) (gpointer     owner,
                                 CepMainPost *post);

/* @data is the payload (freed with @destroy when the last reference goes). */
CepMainPost *cep_main_post_new      (gpointer         owner,
                                     int              priority,
                                     CepMainPostFunc  func,
                                     gpointer         data,
                                     GDestroyNotify   destroy);
CepMainPost *cep_main_post_ref      (CepMainPost     *self);
void         cep_main_post_unref    (CepMainPost     *self);
gpointer     cep_main_post_get_data (CepMainPost     *self);
/* The payload's lock: the worker writes and the callback reads under it. */
void         cep_main_post_lock     (CepMainPost     *self);
void         cep_main_post_unlock   (CepMainPost     *self);
/* Any thread: the callback runs soon, once for however many wakes came before it. */
void         cep_main_post_wake     (CepMainPost     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepMainPost, cep_main_post_unref)

G_END_DECLS
