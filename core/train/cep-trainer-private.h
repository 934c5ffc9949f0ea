/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-trainer-private.h: the struct behind CepTrainer, shared by cep-trainer.c (the object,
 * the thread, pause and cancel) and cep-trainer-loop.c (what the thread does).
 */
#pragma once

#include "cep-batch-producer.h"
#include "cep-metrics-log.h"
#include "cep-run-lock.h"
#include "cep-schedule.h"
#include "cep-trainer.h"

G_BEGIN_DECLS

/* Steps over which the step events' throughput is measured. */
#define CEP_TRAINER_RATE_WINDOW 16

struct _CepTrainer
{
  /* Set up by cep_trainer_new(), read-only afterwards */
  CepExperiment      *experiment;
  char               *experiment_json;
  CepPartition       *train;
  CepPartition       *dev;
  char               *run_dir;
  CepRunLock         *run_lock;   /* held from start until freed */
  CepTrainerOptions   options;
  CepBackend         *backend;
  char               *backend_notice; /* why @backend is not the one asked for, or NULL */
  CepNetwork         *network;
  CepBatchProducer   *producer;
  GCancellable       *cancellable;
  /* Set by the thread before its first step (cep_trainer_choose_input) */
  gboolean            resident;       /* the train partition is resident: frames-only batches */
  char               *input_note;     /* why the windows are gathered where they are */

  /* Shared with the caller, under @lock */
  GMutex              lock;
  GCond               cond;
  gboolean            paused;
  GThread            *thread;
  gboolean            started;
  gboolean            joined;
  GError             *outcome;        /* NULL: every epoch completed */

  /* The thread's own */
  CepMetricsLog      *metrics;
  CepSchedule         schedule;
  guint               epoch;          /* the epoch being trained */
  guint64             step;           /* optimizer steps completed */
  gboolean            has_best;
  double              best_accuracy;
  /* The epoch just ended is the best: last is written first, then best from the same
   * weights; a resume finding this in last's state writes best again (it may be missing). */
  gboolean            best_is_last;
  gint64              started_at;     /* monotonic µs */
  gint64              paused_for;     /* µs spent paused */
  gint64              step_ends[CEP_TRAINER_RATE_WINDOW + 1];    /* a ring, monotonic µs */
  guint               step_samples[CEP_TRAINER_RATE_WINDOW + 1];
  guint64             n_timed;
};

/* The thread's body (cep-trainer-loop.c): sets self->outcome. */
gpointer _cep_trainer_run           (gpointer    data);
/* Makes the train (and dev) partition resident on a device backend and switches the producer
 * to frames-only batches, or keeps the host path; sets resident and input_note. FALSE only
 * when a new producer cannot be made (cep-trainer.c). */
gboolean _cep_trainer_choose_input  (CepTrainer *self,
                                     GError    **error);
/* Blocks while paused; FALSE when the run is cancelled (cep-trainer.c). */
gboolean _cep_trainer_wait_unpaused (CepTrainer *self);

G_END_DECLS
