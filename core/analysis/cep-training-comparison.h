/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-training-comparison.h: several runs' curves overlaid on one axis — the Train page's run
 * comparison and `cepstra-cli compare` — as a figure for core/plot and as CSV.
 *
 * The x axis is optimizer steps, epochs or seconds of training; the metric is the loss, the
 * accuracy or the learning rate. Accuracy is a run's dev accuracy per epoch, or its training
 * accuracy when it has no dev evaluation (the batch-size experiment's runs), and then the
 * run's legend entry and the CSV's "source" column say so. Loss and learning rate are the
 * per-step curves on the steps and seconds axes and the epoch means (the rate of the epoch's
 * last step) on the epochs axis. It must not draw or read run folders.
 */
#pragma once

#include "cep-line-plot.h"
#include "cep-training-curves.h"

G_BEGIN_DECLS

typedef enum
{
  CEP_COMPARISON_X_STEPS,
  CEP_COMPARISON_X_EPOCHS,
  CEP_COMPARISON_X_SECONDS,
} CepComparisonAxis;

typedef enum
{
  CEP_COMPARISON_LOSS,
  CEP_COMPARISON_ACCURACY,
  CEP_COMPARISON_LR,
} CepComparisonMetric;

/* "steps", "epochs", "seconds"; "loss", "accuracy", "lr". */
gboolean    cep_comparison_axis_from_name   (const char          *name,
                                             CepComparisonAxis   *axis);
gboolean    cep_comparison_metric_from_name (const char          *name,
                                             CepComparisonMetric *metric);
const char *cep_comparison_axis_get_label   (CepComparisonAxis    axis);
const char *cep_comparison_metric_get_label (CepComparisonMetric  metric,
                                             gboolean             any_without_dev,
                                             gboolean             any_with_dev);

typedef struct _CepComparison CepComparison;

CepComparison *cep_comparison_new        (CepComparisonAxis         axis,
                                          CepComparisonMetric       metric);
void           cep_comparison_free       (CepComparison            *self);
/* Adds a run's curves under @name (both borrowed: they must outlive the comparison). */
void           cep_comparison_add        (CepComparison            *self,
                                          const char               *name,
                                          const CepTrainingCurves  *curves);
guint          cep_comparison_get_n_runs (CepComparison            *self);
/* Whether the accuracy of run @index is training accuracy (the run has no dev evaluation). */
gboolean       cep_comparison_is_training_accuracy (CepComparison *self,
                                                    guint          index);
/* One panel, a series per run, labelled axes; points into the comparison. */
const CepLinePlot *cep_comparison_get_plot (CepComparison          *self);
/* "run,source,<axis>,<metric>" then one row per point; atomically. */
gboolean       cep_comparison_write_csv  (CepComparison            *self,
                                          const char               *path,
                                          GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepComparison, cep_comparison_free)

G_END_DECLS
