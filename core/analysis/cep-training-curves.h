/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-training-curves.h: the loss and accuracy curves of a run, read from its metrics.jsonl.
 *
 * Step lines give the per-batch training curve, epoch lines the epoch means and the dev
 * evaluation (cep-trainer.h documents the lines). Lines of other events are skipped; a line
 * that is not a JSON object, or a step or epoch line without its numbers, is an error naming
 * the file and line. Non-finite numbers are written as null and read back as NaN. It must not
 * draw (cep-analysis-figures.h turns curves into a figure).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_TRAINING_CURVES_ERROR (cep_training_curves_error_quark ())
GQuark cep_training_curves_error_quark (void);

typedef enum
{
  CEP_TRAINING_CURVES_ERROR_IO,       /* the file cannot be read */
  CEP_TRAINING_CURVES_ERROR_PARSE,    /* a line is not a metrics object */
} CepTrainingCurvesError;

/* Parallel arrays of doubles (GArray of double), one entry per step or epoch line. */
typedef struct
{
  GArray  *step;                  /* step lines: optimizer steps completed */
  GArray  *step_loss;
  GArray  *step_accuracy;
  GArray  *step_lr;
  GArray  *step_samples_per_second;
  GArray  *step_elapsed;          /* seconds of training when the step ended */

  GArray  *epoch;                 /* epoch lines: 1-based epoch number */
  GArray  *epoch_step;            /* steps completed at the epoch's end */
  GArray  *train_loss;            /* means over the epoch's batches */
  GArray  *train_accuracy;
  GArray  *dev_loss;              /* NaN where the line has none */
  GArray  *dev_accuracy;
  GArray  *epoch_elapsed;         /* seconds of training at the epoch's end */
  gboolean has_dev;
} CepTrainingCurves;

CepTrainingCurves *cep_training_curves_load (const char         *metrics_path,
                                             GError            **error);
/* The same from the text of a metrics.jsonl; @name is used in messages. */
CepTrainingCurves *cep_training_curves_new_from_text (const char   *text,
                                                      const char   *name,
                                                      GError      **error);
void               cep_training_curves_free (CepTrainingCurves  *curves);

/* The curves as CSV: one row per epoch ("epoch,step,elapsed,train_loss,train_accuracy,
 * dev_loss,dev_accuracy"; empty dev cells without dev) and, beside it with "-steps" before the
 * extension, one row per step ("step,elapsed,loss,accuracy,lr"). Both written atomically;
 * errors name the file. What the window's "Export Metrics…" writes too. */
gboolean           cep_training_curves_write_csv (const CepTrainingCurves *curves,
                                                  const char              *path,
                                                  GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepTrainingCurves, cep_training_curves_free)

G_END_DECLS
