/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-confusion.c: counting a confusion matrix and reading statistics from it. It must not
 * run a model; it only counts the predictions it is given.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-confusion.h"
#include "cep-atomic-file.h"

#include <math.h>

G_DEFINE_QUARK (cep-confusion-error-quark, cep_confusion_error)

struct _CepConfusion
{
  CepPhonemeTable *table;
  guint            n_classes;   /* every symbol of the table, boundary tokens included */
  guint64         *counts;      /* n_classes × n_classes, true × predicted */
  guint64          total;
  guint64          correct;
};

CepConfusion *
cep_confusion_new (CepPhonemeTable *table)
{
  CepConfusion *self;

  g_return_val_if_fail (CEP_IS_PHONEME_TABLE (table), NULL);
  self = g_new0 (CepConfusion, 1);
  self->table = g_object_ref (table);
  self->n_classes = cep_phoneme_table_get_n_symbols (table);
  self->counts = g_new0 (guint64, (gsize) self->n_classes * self->n_classes);
  return self;
}

void
cep_confusion_free (CepConfusion *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->table);
  g_free (self->counts);
  g_free (self);
}

static gboolean
check_classes (CepConfusion  *self,
               const guint8  *labels,
               const guint8  *predictions,
               gsize          n,
               GError       **error)
{
  for (gsize i = 0; i < n; i++)
    if (labels[i] >= self->n_classes || predictions[i] >= self->n_classes)
      {
        g_set_error (error, CEP_CONFUSION_ERROR, CEP_CONFUSION_ERROR_INVALID,
                     "frame %" G_GSIZE_FORMAT ": label %u or prediction %u is not one of the "
                     "%u classes", i, labels[i], predictions[i], self->n_classes);
        return FALSE;
      }
  return TRUE;
}

gboolean
cep_confusion_add (CepConfusion  *self,
                   const guint8  *labels,
                   const guint8  *predictions,
                   gsize          n,
                   GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (n == 0 || (labels != NULL && predictions != NULL), FALSE);

  if (!check_classes (self, labels, predictions, n, error))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      self->counts[(gsize) labels[i] * self->n_classes + predictions[i]]++;
      self->correct += labels[i] == predictions[i];
    }
  self->total += n;
  return TRUE;
}

CepConfusion *
cep_confusion_new_for_partition (CepPartition  *partition,
                                 const guint8  *predictions,
                                 GError       **error)
{
  g_autoptr(CepConfusion) self = NULL;

  g_return_val_if_fail (CEP_IS_PARTITION (partition), NULL);
  if (!cep_partition_is_labelled (partition))
    {
      g_set_error (error, CEP_CONFUSION_ERROR, CEP_CONFUSION_ERROR_INVALID,
                   "%s: the partition has no transcripts, so there is nothing to compare the "
                   "predictions with", cep_partition_get_folder (partition));
      return NULL;
    }
  self = cep_confusion_new (cep_partition_get_phoneme_table (partition));
  if (!cep_confusion_add (self, cep_partition_get_labels (partition), predictions,
                          cep_partition_get_n_frames (partition), error))
    return NULL;
  return g_steal_pointer (&self);
}

CepPhonemeTable *
cep_confusion_get_phoneme_table (CepConfusion *self)
{
  return self->table;
}

guint
cep_confusion_get_n_classes (CepConfusion *self)
{
  return self->n_classes;
}

guint64
cep_confusion_get_count (CepConfusion *self,
                         guint         true_class,
                         guint         predicted_class)
{
  g_return_val_if_fail (true_class < self->n_classes && predicted_class < self->n_classes, 0);
  return self->counts[(gsize) true_class * self->n_classes + predicted_class];
}

const guint64 *
cep_confusion_get_counts (CepConfusion *self)
{
  return self->counts;
}

guint64
cep_confusion_get_total (CepConfusion *self)
{
  return self->total;
}

guint64
cep_confusion_get_correct (CepConfusion *self)
{
  return self->correct;
}

static double
ratio (guint64 numerator,
       guint64 denominator)
{
  return denominator > 0 ? (double) numerator / (double) denominator : NAN;
}

double
cep_confusion_get_accuracy (CepConfusion *self)
{
  return ratio (self->correct, self->total);
}

static double
f1_score (double precision,
          double recall)
{
  if (isnan (precision) || isnan (recall))
    return NAN;
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
}

void
cep_confusion_get_class_stats (CepConfusion  *self,
                               guint          class_id,
                               CepClassStats *stats)
{
  g_return_if_fail (class_id < self->n_classes);

  *stats = (CepClassStats) { 0 };
  for (guint other = 0; other < self->n_classes; other++)
    {
      stats->support += cep_confusion_get_count (self, class_id, other);
      stats->predicted += cep_confusion_get_count (self, other, class_id);
    }
  stats->correct = cep_confusion_get_count (self, class_id, class_id);
  stats->recall = ratio (stats->correct, stats->support);
  stats->accuracy = stats->recall;
  stats->precision = ratio (stats->correct, stats->predicted);
  stats->f1 = f1_score (stats->precision, stats->recall);
}

static void
add_mean_term (double *sum,
               guint  *count,
               double  value)
{
  if (isnan (value))
    return;
  *sum += value;
  (*count)++;
}

void
cep_confusion_get_macro_stats (CepConfusion  *self,
                               CepClassStats *stats)
{
  double sums[3] = { 0 };
  guint counts[3] = { 0 };

  *stats = (CepClassStats) { 0 };
  for (guint c = 0; c < self->n_classes; c++)
    {
      CepClassStats one;

      cep_confusion_get_class_stats (self, c, &one);
      stats->predicted += one.predicted;
      stats->correct += one.correct;
      stats->support += one.support;
      if (one.support == 0)
        continue;
      add_mean_term (&sums[0], &counts[0], one.recall);
      add_mean_term (&sums[1], &counts[1], one.precision);
      add_mean_term (&sums[2], &counts[2], one.f1);
    }
  stats->recall = counts[0] ? sums[0] / counts[0] : NAN;
  stats->accuracy = stats->recall;
  stats->precision = counts[1] ? sums[1] / counts[1] : NAN;
  stats->f1 = counts[2] ? sums[2] / counts[2] : NAN;
}

guint
cep_confusion_get_active_classes (CepConfusion *self,
                                  guint        *classes)
{
  guint n = 0;

  for (guint c = 0; c < self->n_classes; c++)
    {
      CepClassStats stats;

      cep_confusion_get_class_stats (self, c, &stats);
      if (stats.support > 0 || stats.predicted > 0)
        classes[n++] = c;
    }
  return n;
}

float *
cep_confusion_to_floats (CepConfusion *self,
                         const guint  *classes,
                         guint         n,
                         gboolean      normalize)
{
  float *values = g_new (float, (gsize) n * n);

  for (guint r = 0; r < n; r++)
    {
      CepClassStats stats;

      cep_confusion_get_class_stats (self, classes[r], &stats);
      for (guint c = 0; c < n; c++)
        {
          double count = (double) cep_confusion_get_count (self, classes[r], classes[c]);

          if (normalize)
            values[(gsize) r * n + c] = stats.support ? (float) (100.0 * count / stats.support)
                                                      : NAN;
          else
            values[(gsize) r * n + c] = (float) count;
        }
    }
  return values;
}

static gboolean
write_text (GString     *text,
            const char  *path,
            GError     **error)
{
  return cep_atomic_file_set_contents (path, text->str, text->len, error);
}

gboolean
cep_confusion_write_csv (CepConfusion  *self,
                         const char    *path,
                         GError       **error)
{
  g_autoptr(GString) text = g_string_new ("true\\predicted");

  for (guint c = 0; c < self->n_classes; c++)
    g_string_append_printf (text, ",%s", cep_phoneme_table_get_name (self->table, c));
  g_string_append_c (text, '\n');
  for (guint r = 0; r < self->n_classes; r++)
    {
      g_string_append (text, cep_phoneme_table_get_name (self->table, r));
      for (guint c = 0; c < self->n_classes; c++)
        g_string_append_printf (text, ",%" G_GUINT64_FORMAT,
                                cep_confusion_get_count (self, r, c));
      g_string_append_c (text, '\n');
    }
  return write_text (text, path, error);
}

gboolean
cep_confusion_write_stats_csv (CepConfusion  *self,
                               const char    *path,
                               GError       **error)
{
  g_autoptr(GString) text = g_string_new ("class,support,predicted,correct,accuracy,precision,"
                                          "recall,f1\n");

  for (guint c = 0; c < self->n_classes; c++)
    {
      CepClassStats s;
      double ratios[4];

      cep_confusion_get_class_stats (self, c, &s);
      ratios[0] = s.accuracy;
      ratios[1] = s.precision;
      ratios[2] = s.recall;
      ratios[3] = s.f1;
      g_string_append_printf (text, "%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%"
                              G_GUINT64_FORMAT, cep_phoneme_table_get_name (self->table, c),
                              s.support, s.predicted, s.correct);
      for (guint r = 0; r < G_N_ELEMENTS (ratios); r++)
        {
          /* A point whatever LC_NUMERIC says: a German locale would write "0,5" into a CSV. */
          char number[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_printf (text, ",%s", g_ascii_formatd (number, sizeof number, "%.6f",
                                                                ratios[r]));
        }
      g_string_append_c (text, '\n');
    }
  return write_text (text, path, error);
}
