/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-spectrogram-figure.c: an utterance with its tracks and masks, described for core/plot.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-spectrogram-figure.h"

#include <string.h>

float *
cep_partition_copy_utterance (CepPartition *partition,
                              guint         utterance,
                              gboolean      raw)
{
  gsize start = cep_partition_get_utterance_start (partition, utterance);
  gsize length = cep_partition_get_utterance_length (partition, utterance);
  guint dim = cep_partition_get_feature_dim (partition);
  float *frames = g_memdup2 (cep_partition_get_frame (partition, start),
                             MAX (length * dim, 1) * sizeof (float));
  const float *mean = cep_partition_get_utterance_mean (partition, utterance);
  const float *stddev = cep_partition_get_utterance_stddev (partition, utterance);

  if (raw && cep_partition_is_normalized (partition))
    for (gsize t = 0; t < length; t++)
      for (guint c = 0; c < dim; c++)
        frames[t * dim + c] = frames[t * dim + c] * stddev[c] + mean[c];
  return frames;
}

guint
cep_mask_set_place (const CepMaskSet   *set,
                    gint64              window_first,
                    guint               window_frames,
                    guint               n_frames,
                    CepSpectrogramMask  masks[CEP_SPECTROGRAM_FIGURE_MAX_MASKS])
{
  gint64 first = MAX (window_first, 0);
  gint64 last = MIN (window_first + window_frames, (gint64) n_frames);
  guint n = 0;

  for (guint i = 0; i < set->n_freq && last > first; i++)
    masks[n++] = (CepSpectrogramMask) {
      CEP_SPECTROGRAM_MASK_FREQUENCY, set->freq[i].start, set->freq[i].width,
      (guint) first, (guint) (last - first) };
  for (guint i = 0; i < set->n_time; i++)
    {
      gint64 start = MAX (window_first + set->time[i].start, first);
      gint64 end = MIN (window_first + set->time[i].start + set->time[i].width, last);

      if (end > start)
        masks[n++] = (CepSpectrogramMask) {
          CEP_SPECTROGRAM_MASK_TIME, (guint) start, (guint) (end - start), 0, 0 };
    }
  return n;
}

void
cep_spectrogram_figure_options_init (CepSpectrogramFigureOptions *options)
{
  memset (options, 0, sizeof *options);
}

static gboolean
add_masks (CepSpectrogramFigure              *figure,
           CepPartition                      *partition,
           guint                              n_frames,
           const CepSpectrogramFigureOptions *options,
           GError                           **error)
{
  const CepExperiment *e = options->experiment;
  guint window_frames = cep_model_spec_get_window_frames (e->model);
  gint64 window_first = (gint64) options->sample_frame
                        - cep_model_spec_get_context_past (e->model);
  CepMaskSet set;

  if (!e->augment.enabled)
    return TRUE;
  if (!cep_augment_spec_validate (&e->augment, error))
    return FALSE;
  if (options->sample_frame >= n_frames)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "sample frame %u is past the utterance's %u frames", options->sample_frame,
                   n_frames);
      return FALSE;
    }
  cep_augment_draw (&e->augment, e->seed, 0, options->batch, 0, window_frames,
                    cep_partition_get_feature_dim (partition), &set);
  figure->plot.n_masks = cep_mask_set_place (&set, window_first, window_frames, n_frames,
                                             figure->masks);
  figure->plot.masks = figure->masks;
  figure->plot.zero_masked = options->model_view;
  return TRUE;
}

static void
add_tracks (CepSpectrogramFigure              *figure,
            CepPartition                      *partition,
            gsize                              start,
            const CepSpectrogramFigureOptions *options)
{
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);
  guint n = cep_phoneme_table_get_n_classes (table);
  const guint8 *labels = cep_partition_get_labels (partition);

  figure->names = g_new0 (const char *, n + 1);
  for (guint i = 0; i < n; i++)
    figure->names[i] = cep_phoneme_table_get_name (table, i);
  figure->plot.label_names = figure->names;
  figure->plot.n_label_names = n;
  /* Without labels the predictions are the only track. */
  if (labels != NULL)
    {
      figure->plot.labels = labels + start;
      figure->plot.labels_title = "Phonemes";
      figure->plot.predicted = options->predicted;
      figure->plot.predicted_title = "Predicted";
    }
  else
    {
      figure->plot.labels = options->predicted;
      figure->plot.labels_title = "Predicted";
    }
}

gboolean
cep_spectrogram_figure_init (CepSpectrogramFigure              *figure,
                             CepPartition                      *partition,
                             guint                              utterance,
                             const CepSpectrogramFigureOptions *options,
                             GError                           **error)
{
  gsize start = cep_partition_get_utterance_start (partition, utterance);
  guint n_frames = (guint) cep_partition_get_utterance_length (partition, utterance);

  memset (figure, 0, sizeof *figure);
  cep_spectrogram_plot_init (&figure->plot);
  figure->values = cep_partition_copy_utterance (partition, utterance, options->raw);
  figure->plot.values = figure->values;
  figure->plot.n_frames = n_frames;
  figure->plot.n_coefficients = cep_partition_get_feature_dim (partition);
  figure->title = g_strdup_printf ("%s%s", cep_partition_get_utterance_name (partition,
                                                                             utterance),
                                   options->raw ? " (raw)" : "");
  figure->plot.title = figure->title;
  figure->plot.colorbar_label = options->raw ? "MFCC" : "normalized MFCC";
  add_tracks (figure, partition, start, options);
  if (options->experiment != NULL && !add_masks (figure, partition, n_frames, options, error))
    {
      cep_spectrogram_figure_clear (figure);
      return FALSE;
    }
  return TRUE;
}

void
cep_spectrogram_figure_clear (CepSpectrogramFigure *figure)
{
  g_clear_pointer (&figure->values, g_free);
  g_clear_pointer (&figure->names, g_free);
  g_clear_pointer (&figure->title, g_free);
}
