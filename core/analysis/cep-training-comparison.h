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
 * last step) on the epochs axis. Like the trackers, the curves can be smoothed (the raw ones
 * stay faint beneath) and runs grouped by a hyperparameter's value, each group drawn as its
 * mean over its min–max band (cep-curve-overlay.h says how). It must not draw or read run
 * folders.
 */
#pragma once

#include "cep-curve-overlay.h"
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
/* The same in group @group (the run's value of the grouping hyperparameter): either every run
 * of a comparison has a group or none has. */
void           cep_comparison_add_grouped (CepComparison           *self,
                                           const char              *name,
                                           const char              *group,
                                           const CepTrainingCurves *curves);
/* TensorBoard's smoothing weight in [0, 1) (cep-curve-stats.h); 0, the default, is off. */
void           cep_comparison_set_smoothing (CepComparison         *self,
                                             double                 weight);
guint          cep_comparison_get_n_runs (CepComparison            *self);
/* The overlay of the last get_plot (its groups and bands), NULL before one. */
CepCurveOverlay *cep_comparison_get_overlay (CepComparison         *self);
/* Whether the accuracy of run @index is training accuracy (the run has no dev evaluation). */
gboolean       cep_comparison_is_training_accuracy (CepComparison *self,
                                                    guint          index);
/* One panel, a series per run, labelled axes; points into the comparison. */
const CepLinePlot *cep_comparison_get_plot (CepComparison          *self);
/* "run,source,<axis>,<metric>" then one row per point, with a last column "smoothed" when
 * smoothing is on; grouped, the plotted groups instead: "group,runs,<axis>,mean,min,max"
 * (of the smoothed curves when smoothing is on). Atomically. */
gboolean       cep_comparison_write_csv  (CepComparison            *self,
                                          const char               *path,
                                          GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepComparison, cep_comparison_free)

G_END_DECLS
