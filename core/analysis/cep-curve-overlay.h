/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-curve-overlay.h: runs' curves as the series of a line plot, the way the trackers draw
 * them — smoothed over the raw curve kept faint, or grouped by a hyperparameter (one colour per
 * group, the group's mean line over its min–max band).
 *
 * Runs are added with a name and, when grouping, their group's value; each run then gets its
 * curves, one per panel. Ungrouped, each run has a colour of its own; with smoothing on, its
 * raw curve is drawn faint and unnamed and the smoothed one over it, named. Grouped, the runs
 * of a group are smoothed one by one on their own points, then aligned
 * (cep-curve-stats.h): the mean line carries the band of their minimum and maximum, and with
 * smoothing on the mean of the raw curves is drawn faint beneath. Groups are ordered by value
 * (as numbers when every value is one) and named "VALUE (n=RUNS)". Colours follow the order of
 * runs or groups, so a run keeps its colour in both panels. It must not read files.
 */
#pragma once

#include "cep-curve-stats.h"
#include "cep-line-plot.h"

G_BEGIN_DECLS

typedef struct _CepCurveOverlay CepCurveOverlay;

/* @smoothing: the EMA weight, 0 = off. */
CepCurveOverlay     *cep_curve_overlay_new          (double            smoothing);
void                 cep_curve_overlay_free         (CepCurveOverlay  *self);
/* Adds a run and returns its index; @group NULL: the overlay is not grouped (all runs of one
 * overlay either have a group or none do). */
guint                cep_curve_overlay_add_run      (CepCurveOverlay  *self,
                                                     const char       *name,
                                                     const char       *group);
/* The run's curve in @panel (copied); @markers: a dot per point on its line. */
void                 cep_curve_overlay_add_curve    (CepCurveOverlay  *self,
                                                     guint             run,
                                                     guint             panel,
                                                     const double     *x,
                                                     const double     *y,
                                                     gsize             n,
                                                     gboolean          markers);
/* The series to draw, valid until the overlay is freed or changed. */
const CepLineSeries *cep_curve_overlay_get_series   (CepCurveOverlay  *self,
                                                     guint            *n_series);

/* Groups, in drawing order (0 before get_series). */
guint                cep_curve_overlay_get_n_groups (CepCurveOverlay  *self);
const char          *cep_curve_overlay_get_group    (CepCurveOverlay  *self,
                                                     guint             index);
guint                cep_curve_overlay_get_group_size (CepCurveOverlay *self,
                                                       guint            index);
/* The aligned band of group @index in @panel (NULL if it has no curve there). */
const CepCurveBand  *cep_curve_overlay_get_band     (CepCurveOverlay  *self,
                                                     guint             index,
                                                     guint             panel);
/* The colour run @run is drawn with: its own, or its group's. */
CepRgba              cep_curve_overlay_get_run_color (CepCurveOverlay *self,
                                                      guint            run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepCurveOverlay, cep_curve_overlay_free)

G_END_DECLS
