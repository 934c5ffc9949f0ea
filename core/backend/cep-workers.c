/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-workers.c: the thread team behind cep_workers_run().
 *
 * Owns its threads and the hand-over protocol: the caller publishes a job and bumps a
 * generation counter; each worker runs its own parts of that job and then counts itself done.
 * Workers spin for a few tens of microseconds before sleeping on a condition variable, so the
 * back-to-back operations of a training step do not pay a wake-up each. It must not know what
 * the jobs compute.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include "cep-workers.h"

/* How long an idle worker polls before it sleeps. */
#define SPIN_USEC 20

typedef struct
{
  CepWorkers *team;
  guint       index;
  GThread    *thread;
} Worker;

struct _CepWorkers
{
  guint       n_threads;
  Worker     *workers;          /* n_threads - 1 of them; the caller is thread 0 */

  /* The current job, written by the caller only while no worker runs one. */
  CepWorkFunc func;
  gpointer    data;
  guint       n_parts;

  gint        generation;       /* bumped per job; workers wait for a change */
  gint        done;             /* workers finished with the current generation */
  gint        sleeping;         /* workers blocked on the condition */
  gboolean    quit;
  GMutex      lock;
  GCond       wake;
};

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

static void
run_parts (CepWorkers *team,
           guint       thread_index)
{
  for (guint part = thread_index; part < team->n_parts; part += team->n_threads)
    team->func (team->data, part, team->n_parts);
}

/* Returns when the generation differs from @seen. */
static gint
wait_for_job (CepWorkers *team,
              gint        seen)
{
  gint64 deadline = g_get_monotonic_time () + SPIN_USEC;

  for (guint spins = 0;; spins++)
    {
      gint now = g_atomic_int_get (&team->generation);
      if (now != seen)
        return now;
      if (spins % 64 == 63 && g_get_monotonic_time () > deadline)
        break;
      cpu_relax ();
    }

  g_mutex_lock (&team->lock);
  g_atomic_int_inc (&team->sleeping);
  while (g_atomic_int_get (&team->generation) == seen)
    g_cond_wait (&team->wake, &team->lock);
  g_atomic_int_add (&team->sleeping, -1);
  g_mutex_unlock (&team->lock);
  return g_atomic_int_get (&team->generation);
}

static gpointer
worker_main (gpointer data)
{
  Worker *self = data;
  CepWorkers *team = self->team;
  gint seen = 0;

  for (;;)
    {
      seen = wait_for_job (team, seen);
      if (g_atomic_int_get (&team->quit))
        break;
      run_parts (team, self->index);
      g_atomic_int_inc (&team->done);
    }
  return NULL;
}

CepWorkers *
cep_workers_new (guint n_threads)
{
  CepWorkers *team = g_new0 (CepWorkers, 1);

  team->n_threads = MAX (n_threads, 1);
  g_mutex_init (&team->lock);
  g_cond_init (&team->wake);
  team->workers = g_new0 (Worker, team->n_threads);
  for (guint i = 1; i < team->n_threads; i++)
    {
      team->workers[i].team = team;
      team->workers[i].index = i;
      team->workers[i].thread = g_thread_try_new ("cep-worker", worker_main,
                                                  &team->workers[i], NULL);
      /* A system out of threads (or of memory for their stacks) gets a smaller team, not an
       * abort: the work is split over the threads there are. */
      if (team->workers[i].thread == NULL)
        {
          g_warning ("could make only %u of %u compute threads", i, team->n_threads);
          team->n_threads = i;
          break;
        }
    }
  return team;
}

static void
publish (CepWorkers *team)
{
  g_atomic_int_set (&team->done, 0);
  g_atomic_int_inc (&team->generation);
  if (g_atomic_int_get (&team->sleeping) > 0)
    {
      g_mutex_lock (&team->lock);
      g_cond_broadcast (&team->wake);
      g_mutex_unlock (&team->lock);
    }
}

void
cep_workers_free (CepWorkers *team)
{
  if (team == NULL)
    return;
  g_atomic_int_set (&team->quit, TRUE);
  publish (team);
  for (guint i = 1; i < team->n_threads; i++)
    g_thread_join (team->workers[i].thread);
  g_mutex_clear (&team->lock);
  g_cond_clear (&team->wake);
  g_free (team->workers);
  g_free (team);
}

guint
cep_workers_get_n_threads (CepWorkers *team)
{
  return team->n_threads;
}

void
cep_workers_run (CepWorkers  *team,
                 CepWorkFunc  func,
                 gpointer     data,
                 guint        n_parts)
{
  if (team->n_threads == 1 || n_parts <= 1)
    {
      for (guint part = 0; part < n_parts; part++)
        func (data, part, n_parts);
      return;
    }

  team->func = func;
  team->data = data;
  team->n_parts = n_parts;
  publish (team);
  run_parts (team, 0);

  guint others = team->n_threads - 1;
  for (guint spins = 0; (guint) g_atomic_int_get (&team->done) < others; spins++)
    {
      if (spins % 1024 == 1023)
        g_thread_yield ();
      else
        cpu_relax ();
    }
}

void
cep_workers_split (gsize  n,
                   guint  part,
                   guint  n_parts,
                   gsize  align,
                   gsize *start,
                   gsize *end)
{
  gsize units = (n + align - 1) / align;
  gsize first = units * part / n_parts;
  gsize last = units * (part + 1) / n_parts;

  *start = MIN (first * align, n);
  *end = MIN (last * align, n);
}
