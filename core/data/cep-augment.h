/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-augment.h: SpecAugment-style time and frequency masks on context windows.
 *
 * A mask set is a pure function of (spec, seed, epoch, batch index, sample index), drawn from
 * the counter-based RNG, so the batch producer, the tests and the GUI's overlay all see exactly
 * the same bands without sharing any state. In per-batch mode every sample of a batch gets the
 * mask of sample 0 (as the seed notebook did).
 *
 * Coordinates are relative to one window: frequency bands cover coefficients
 * [start, start+width) of every frame of the window; time bands cover window frames
 * [start, start+width) (0 = the frame K before the centre) of every coefficient.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_AUGMENT_MAX_BANDS 8

#define CEP_AUGMENT_ERROR (cep_augment_error_quark ())
GQuark cep_augment_error_quark (void);

typedef enum
{
  CEP_AUGMENT_ERROR_INVALID,   /* inconsistent spec */
} CepAugmentError;

typedef struct
{
  gboolean enabled;
  guint    freq_masks_max;    /* 0..n frequency bands (number drawn uniformly) */
  guint    freq_width_min;
  guint    freq_width_max;
  guint    time_masks_max;    /* 0..m time bands */
  guint    time_width_min;
  guint    time_width_max;
  double   probability;       /* chance that a sample (or batch) is masked at all */
  gboolean per_batch;         /* one mask for the whole batch instead of one per sample */
} CepAugmentSpec;

/* Disabled spec with the seed notebook's numbers filled in (0-2 freq bands of width 3-4,
 * 0-2 time bands of width 3-8, probability 1, per sample). */
void     cep_augment_spec_init_default (CepAugmentSpec       *spec);
/* FALSE with a message when widths/counts are inconsistent or exceed CEP_AUGMENT_MAX_BANDS. */
gboolean cep_augment_spec_validate     (const CepAugmentSpec *spec,
                                        GError              **error);

typedef struct
{
  guint start;
  guint width;
} CepMaskBand;

typedef struct
{
  guint       n_freq;
  CepMaskBand freq[CEP_AUGMENT_MAX_BANDS];
  guint       n_time;
  CepMaskBand time[CEP_AUGMENT_MAX_BANDS];
} CepMaskSet;

/* Draws the masks for one sample of a window of @n_frames = 2K+1 frames by @dim coefficients.
 * Bands are clipped to the window. An empty set when the spec is disabled or the probability
 * draw says no. Unused entries of @masks are zeroed. */
void     cep_augment_draw              (const CepAugmentSpec *spec,
                                        guint64               seed,
                                        guint                 epoch,
                                        guint64               batch_index,
                                        guint                 sample_index,
                                        guint                 n_frames,
                                        guint                 dim,
                                        CepMaskSet           *masks);

/* Zeroes the masked values of one window (n_frames x dim floats, C order). */
void     cep_augment_apply             (const CepMaskSet     *masks,
                                        float                *window,
                                        guint                 n_frames,
                                        guint                 dim);

G_END_DECLS
