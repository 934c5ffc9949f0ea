/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-confusion.h: the confusion matrix of a classifier on a labelled partition, and what is
 * read from it: accuracy, per-class accuracy (recall), precision and F1.
 *
 * Rows are true classes, columns predicted classes, both indexed by the phoneme table's class
 * ids (so 42 × 42 for HW1P2, [SOS] and [EOS] included even though no frame carries them).
 * It owns counting and the statistics; predictions come from the network (cep_network_predict)
 * and pictures from core/plot.
 */
#pragma once

#include <gio/gio.h>

#include "cep-partition.h"
#include "cep-phoneme-table.h"

G_BEGIN_DECLS

#define CEP_CONFUSION_ERROR (cep_confusion_error_quark ())
GQuark cep_confusion_error_quark (void);

typedef enum
{
  CEP_CONFUSION_ERROR_INVALID,   /* a class id out of range, an unlabelled partition */
} CepConfusionError;

typedef struct _CepConfusion CepConfusion;

/* What one class's row and column say. Ratios are NaN when their denominator is 0. */
typedef struct
{
  guint64 support;      /* frames of this true class */
  guint64 predicted;    /* frames predicted as this class */
  guint64 correct;      /* frames of this class predicted as it */
  double  accuracy;     /* per-class accuracy = recall = correct / support */
  double  precision;    /* correct / predicted */
  double  recall;
  double  f1;           /* 2 · precision · recall / (precision + recall); 0 when both are 0 */
} CepClassStats;

CepConfusion *cep_confusion_new             (CepPhonemeTable  *table);
void          cep_confusion_free            (CepConfusion     *self);

/* Counts @n frames; FALSE (and nothing counted) if a label or prediction is not a class. */
gboolean      cep_confusion_add             (CepConfusion     *self,
                                             const guint8     *labels,
                                             const guint8     *predictions,
                                             gsize             n,
                                             GError          **error);
/* A matrix over every frame of a labelled @partition: @predictions holds one class id per
 * frame, in frame order. */
CepConfusion *cep_confusion_new_for_partition (CepPartition   *partition,
                                               const guint8   *predictions,
                                               GError        **error);

CepPhonemeTable *cep_confusion_get_phoneme_table (CepConfusion *self);
guint         cep_confusion_get_n_classes   (CepConfusion     *self);
guint64       cep_confusion_get_count       (CepConfusion     *self,
                                             guint             true_class,
                                             guint             predicted_class);
/* n_classes × n_classes counts, row-major (true class × predicted class). */
const guint64 *cep_confusion_get_counts     (CepConfusion     *self);
guint64       cep_confusion_get_total       (CepConfusion     *self);
guint64       cep_confusion_get_correct     (CepConfusion     *self);
/* correct / total, NaN when empty. */
double        cep_confusion_get_accuracy    (CepConfusion     *self);
void          cep_confusion_get_class_stats (CepConfusion     *self,
                                             guint             class_id,
                                             CepClassStats    *stats);
/* Unweighted means over the classes with support > 0 (NaN terms skipped). */
void          cep_confusion_get_macro_stats (CepConfusion     *self,
                                             CepClassStats    *stats);

/* The classes worth showing: those that occur as a label or a prediction, in id order.
 * Returns how many were written to @classes (n_classes entries). */
guint         cep_confusion_get_active_classes (CepConfusion  *self,
                                                guint         *classes);
/* The counts of the @n given classes as floats (n × n, for a heatmap); with @normalize each
 * row in per cent of its true class's frames (NaN for a class without frames). g_free(). */
float        *cep_confusion_to_floats       (CepConfusion     *self,
                                             const guint      *classes,
                                             guint             n,
                                             gboolean          normalize);

/* The matrix as CSV: "true\predicted" then one column per class (phoneme names), one row per
 * class. Written atomically. */
gboolean      cep_confusion_write_csv       (CepConfusion     *self,
                                             const char       *path,
                                             GError          **error);
/* Per class: "class,support,predicted,correct,accuracy,precision,recall,f1". */
gboolean      cep_confusion_write_stats_csv (CepConfusion     *self,
                                             const char       *path,
                                             GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepConfusion, cep_confusion_free)

G_END_DECLS
