/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-schedule.h: the learning rate of every step — torch.optim.lr_scheduler's schedules,
 * stepped once per epoch, plus a linear warmup over the first optimizer steps.
 *
 *   constant   lr
 *   step       lr · gamma^⌊epoch / step_size⌋                        (StepLR)
 *   cosine     eta_min + (lr − eta_min)·(1 + cos(π·epoch / t_max))/2  (CosineAnnealingLR)
 *   plateau    ReduceLROnPlateau (mode min on dev loss or max on dev accuracy, relative
 *              threshold, no cooldown): after `patience` epochs without improvement the
 *              rate is multiplied by `factor`, never below min_lr
 *   warmup     step i < warmup_steps uses lr·(i + 1)/warmup_steps times the above
 *
 * The schedule's only state is the plateau tracker (the current rate, the best metric, the
 * epochs without improvement); the rest is a function of (epoch, step). The state goes into
 * checkpoints so a resumed run continues the same curve.
 */
#pragma once

#include "cep-experiment.h"

G_BEGIN_DECLS

typedef struct
{
  CepExperimentSchedule config;
  double                base_lr;
  guint                 n_epochs;
  /* ReduceLROnPlateau */
  double                plateau_lr;
  double                best;             /* ±inf before the first epoch */
  guint                 bad_epochs;
} CepSchedule;

void     cep_schedule_init        (CepSchedule                 *schedule,
                                   const CepExperimentSchedule *config,
                                   double                       base_lr,
                                   guint                        n_epochs);
/* The rate of global optimizer step @step (0-based) in @epoch (0-based). */
double   cep_schedule_get_lr      (const CepSchedule           *schedule,
                                   guint                        epoch,
                                   guint64                      step);
/* Called after each epoch with its dev loss and accuracy (the plateau schedule reads the
 * one it monitors; the others ignore them). */
void     cep_schedule_epoch_end   (CepSchedule                 *schedule,
                                   double                       loss,
                                   double                       accuracy);

G_END_DECLS
