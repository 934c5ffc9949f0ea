/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-main-post.c: results from worker threads to the main loop, one idle at a time.
 */
#define G_LOG_DOMAIN "cepstra-main-post"

#include "cep-main-post.h"

struct _CepMainPost
{
  gatomicrefcount  refs;
  GMutex           lock;
  GWeakRef         owner;
  int              priority;
  gint             pending;      /* an idle is scheduled (atomic) */
  CepMainPostFunc  func;
  gpointer         data;
  GDestroyNotify   destroy;
};

CepMainPost *
cep_main_post_new (gpointer         owner,
                   int              priority,
                   CepMainPostFunc  func,
                   gpointer         data,
                   GDestroyNotify   destroy)
{
  CepMainPost *self = g_new0 (CepMainPost, 1);

  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);

  g_atomic_ref_count_init (&self->refs);
  g_mutex_init (&self->lock);
  g_weak_ref_init (&self->owner, owner);
  self->priority = priority;
  self->func = func;
  self->data = data;
  self->destroy = destroy;
  return self;
}

CepMainPost *
cep_main_post_ref (CepMainPost *self)
{
  g_atomic_ref_count_inc (&self->refs);
  return self;
}

void
cep_main_post_unref (CepMainPost *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->refs))
    return;
  if (self->destroy != NULL)
    self->destroy (self->data);
  g_weak_ref_clear (&self->owner);
  g_mutex_clear (&self->lock);
  g_free (self);
}

gpointer
cep_main_post_get_data (CepMainPost *self)
{
  return self->data;
}

void
cep_main_post_lock (CepMainPost *self)
{
  g_mutex_lock (&self->lock);
}

void
cep_main_post_unlock (CepMainPost *self)
{
  g_mutex_unlock (&self->lock);
}

static gboolean
run_on_main (gpointer data)
{
  CepMainPost *self = data;
  g_autoptr (GObject) owner = g_weak_ref_get (&self->owner);

  /* Cleared before the callback reads the payload: a result written after this point wakes
   * a new idle, one written before it is read now. */
  g_atomic_int_set (&self->pending, 0);
  if (owner != NULL)
    self->func (owner, self);
  return G_SOURCE_REMOVE;
}

void
cep_main_post_wake (CepMainPost *self)
{
  if (g_atomic_int_compare_and_exchange (&self->pending, 0, 1))
    g_idle_add_full (self->priority, run_on_main, cep_main_post_ref (self),
                     (GDestroyNotify) cep_main_post_unref);
}
