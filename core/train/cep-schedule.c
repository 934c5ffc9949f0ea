/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-schedule.c: learning-rate schedules with torch.optim.lr_scheduler's semantics. It must
 * not know about optimizers or epochs' contents: it maps (epoch, step, metrics) to a rate.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-schedule.h"

#include <math.h>

/* ReduceLROnPlateau's eps: reductions smaller than this are ignored. */
#define PLATEAU_EPS 1e-8

void
cep_schedule_init (CepSchedule                 *schedule,
                   const CepExperimentSchedule *config,
                   double                       base_lr,
                   guint                        n_epochs)
{
  gboolean maximize;

  g_return_if_fail (schedule != NULL && config != NULL);

  maximize = config->monitor == CEP_EXPERIMENT_MONITOR_DEV_ACCURACY;
  *schedule = (CepSchedule) {
    .config = *config,
    .base_lr = base_lr,
    .n_epochs = n_epochs,
    .plateau_lr = base_lr,
    .best = maximize ? -INFINITY : INFINITY,
    .bad_epochs = 0,
  };
}

static double
epoch_lr (const CepSchedule *schedule,
          guint              epoch)
{
  const CepExperimentSchedule *c = &schedule->config;
  guint t_max;

  switch (c->kind)
    {
    case CEP_EXPERIMENT_SCHEDULE_STEP:
      return schedule->base_lr * pow (c->gamma, epoch / MAX (c->step_size, 1));
    case CEP_EXPERIMENT_SCHEDULE_COSINE:
      t_max = c->t_max > 0 ? c->t_max : MAX (schedule->n_epochs, 1);
      return c->eta_min + (schedule->base_lr - c->eta_min) *
             (1.0 + cos (G_PI * epoch / t_max)) / 2.0;
    case CEP_EXPERIMENT_SCHEDULE_PLATEAU:
      return schedule->plateau_lr;
    case CEP_EXPERIMENT_SCHEDULE_CONSTANT:
    default:
      return schedule->base_lr;
    }
}

double
cep_schedule_get_lr (const CepSchedule *schedule,
                     guint              epoch,
                     guint64            step)
{
  double lr;
  guint warmup;

  g_return_val_if_fail (schedule != NULL, 0.0);

  lr = epoch_lr (schedule, epoch);
  warmup = schedule->config.warmup_steps;
  if (step < warmup)
    lr *= (double) (step + 1) / warmup;
  return lr;
}

/* torch's _is_better with threshold_mode "rel". */
static gboolean
is_better (const CepSchedule *schedule,
           double             value)
{
  double threshold = schedule->config.threshold;

  if (schedule->config.monitor == CEP_EXPERIMENT_MONITOR_DEV_ACCURACY)
    return value > schedule->best * (1.0 + threshold);
  return value < schedule->best * (1.0 - threshold);
}

void
cep_schedule_epoch_end (CepSchedule *schedule,
                        double       loss,
                        double       accuracy)
{
  const CepExperimentSchedule *c;
  double value, reduced;

  g_return_if_fail (schedule != NULL);

  c = &schedule->config;
  if (c->kind != CEP_EXPERIMENT_SCHEDULE_PLATEAU)
    return;
  value = c->monitor == CEP_EXPERIMENT_MONITOR_DEV_ACCURACY ? accuracy : loss;
  if (is_better (schedule, value))
    {
      schedule->best = value;
      schedule->bad_epochs = 0;
    }
  else
    schedule->bad_epochs++;
  if (schedule->bad_epochs <= c->patience)
    return;
  reduced = MAX (schedule->plateau_lr * c->factor, c->min_lr);
  if (schedule->plateau_lr - reduced > PLATEAU_EPS)
    schedule->plateau_lr = reduced;
  schedule->bad_epochs = 0;
}
