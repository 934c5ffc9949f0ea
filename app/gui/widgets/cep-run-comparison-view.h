/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-comparison-view.h: the compared runs' curves, with the trackers' controls: the x
 * axis (steps, epochs, wall time), smoothing (TensorBoard's; the raw curves stay faint), and
 * grouping by a hyperparameter (a colour, mean line and min–max band per value).
 *
 * Loss on top, accuracy below (dev, else training, and the legend says so). It draws the runs
 * of a GListModel of CepRunItem whose "compared" is set, following the model and the flags;
 * the curves are core's (cep-curve-overlay.h). The smoothing is remembered (GSettings
 * "comparison-smoothing"). The Train page's run history and the class window use it.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-curve-view.h"
#include "cep-run-item.h"

G_BEGIN_DECLS

/* What the comparison plots against (the order of the "Against" list). */
typedef enum
{
  CEP_RUN_COMPARE_STEPS,
  CEP_RUN_COMPARE_EPOCHS,
  CEP_RUN_COMPARE_TIME,
} CepRunCompareAxis;

#define CEP_TYPE_RUN_COMPARISON_VIEW (cep_run_comparison_view_get_type ())
G_DECLARE_FINAL_TYPE (CepRunComparisonView, cep_run_comparison_view, CEP,
                      RUN_COMPARISON_VIEW, GtkWidget)

GtkWidget    *cep_run_comparison_view_new            (void);
/* @runs: a GListModel of CepRunItem, or NULL. */
void          cep_run_comparison_view_set_model      (CepRunComparisonView *self,
                                                      GListModel           *runs);
void          cep_run_comparison_view_set_axis       (CepRunComparisonView *self,
                                                      CepRunCompareAxis     axis);
void          cep_run_comparison_view_set_smoothing  (CepRunComparisonView *self,
                                                      double                weight);
/* The keys the "Group by" list offers after "None": @keys (the settings that differ between
 * the runs), then the usual ones not among them (optimizer, learning rate, batch size, epochs,
 * context, parameters). The chosen key stays chosen if it is still offered. */
void          cep_run_comparison_view_set_group_keys (CepRunComparisonView *self,
                                                      const char * const   *keys);
/* Groups by @key (one of the offered keys), or NULL: no groups. FALSE if @key is not offered. */
gboolean      cep_run_comparison_view_set_group_by   (CepRunComparisonView *self,
                                                      const char           *key);
/* The groups drawn now (0 when not grouping). */
guint         cep_run_comparison_view_get_n_groups   (CepRunComparisonView *self);
const char   *cep_run_comparison_view_get_accuracy_label (CepRunComparisonView *self);
CepCurveView *cep_run_comparison_view_get_curve_view (CepRunComparisonView *self);

G_END_DECLS
