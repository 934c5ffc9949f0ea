/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-spectrogram-figure.h: one utterance as the Data and Analyze pages show it, described for
 * core/plot's spectrogram renderer — normalized or raw features, the phoneme track, a run's
 * predictions as a second track, and the SpecAugment masks the trainer would draw for one
 * sample's context window, as bands or "as the model sees it" (masked values set to 0).
 * `cepstra-cli spectrogram` draws the same figure. It must not draw or write files.
 */
#pragma once

#include "cep-augment.h"
#include "cep-experiment.h"
#include "cep-partition.h"
#include "cep-spectrogram-plot.h"

G_BEGIN_DECLS

#define CEP_SPECTROGRAM_FIGURE_MAX_MASKS (2 * CEP_AUGMENT_MAX_BANDS)

/* The frames of @utterance (length × D floats, newly allocated): as stored (normalized when
 * the partition is), or with @raw the values before CMVN (raw = normalized · stddev + mean). */
float *cep_partition_copy_utterance       (CepPartition       *partition,
                                           guint               utterance,
                                           gboolean            raw);

/* A window-relative mask set (cep_augment_draw) placed on the utterance: the window starts at
 * frame @window_first (negative near the start) and spans @window_frames; bands are clipped
 * to the utterance's @n_frames. Returns how many of @masks were filled. */
guint  cep_mask_set_place                 (const CepMaskSet   *set,
                                           gint64              window_first,
                                           guint               window_frames,
                                           guint               n_frames,
                                           CepSpectrogramMask  masks[CEP_SPECTROGRAM_FIGURE_MAX_MASKS]);

typedef struct
{
  gboolean             raw;          /* values before CMVN */
  /* Masks: the experiment's augmentation, seed and context K; NULL for none. */
  const CepExperiment *experiment;
  guint                sample_frame; /* the sample whose window is masked, in the utterance */
  guint64              batch;        /* which draw (batch index, epoch 0) */
  gboolean             model_view;   /* masked values as 0: what the network gets */
  const guint8        *predicted;    /* a class per frame of the utterance, or NULL */
} CepSpectrogramFigureOptions;

typedef struct
{
  CepSpectrogramPlot  plot;
  float              *values;
  const char        **names;
  CepSpectrogramMask  masks[CEP_SPECTROGRAM_FIGURE_MAX_MASKS];
  char               *title;
} CepSpectrogramFigure;

void     cep_spectrogram_figure_options_init (CepSpectrogramFigureOptions *options);
/* FALSE with an error when @options->experiment's augmentation is invalid or the sample lies
 * outside the utterance. */
gboolean cep_spectrogram_figure_init  (CepSpectrogramFigure              *figure,
                                       CepPartition                      *partition,
                                       guint                              utterance,
                                       const CepSpectrogramFigureOptions *options,
                                       GError                           **error);
void     cep_spectrogram_figure_clear (CepSpectrogramFigure              *figure);

G_END_DECLS
