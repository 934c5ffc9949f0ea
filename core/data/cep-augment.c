/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-augment.c: SpecAugment-style masks drawn from the counter-based RNG.
 *
 * Owns the mask spec, its validation, the drawing of bands and zeroing them in a window. It
 * must not keep state between calls: a mask set is recomputed from its coordinates wherever it
 * is needed (producer thread, tests, the GUI's overlay).
 */
#define G_LOG_DOMAIN "cepstra-augment"

#include "cep-augment.h"

#include <math.h>
#include <string.h>

#include "cep-rng.h"

G_DEFINE_QUARK (cep-augment-error-quark, cep_augment_error)

void
cep_augment_spec_init_default (CepAugmentSpec *spec)
{
  g_return_if_fail (spec != NULL);

  memset (spec, 0, sizeof *spec);
  spec->enabled = FALSE;
  spec->freq_masks_max = 2;
  spec->freq_width_min = 3;
  spec->freq_width_max = 4;
  spec->time_masks_max = 2;
  spec->time_width_min = 3;
  spec->time_width_max = 8;
  spec->probability = 1.0;
  spec->per_batch = FALSE;
}

static gboolean
validate_bands (const char  *what,
                guint        masks_max,
                guint        width_min,
                guint        width_max,
                GError     **error)
{
  if (masks_max > CEP_AUGMENT_MAX_BANDS)
    {
      g_set_error (error, CEP_AUGMENT_ERROR, CEP_AUGMENT_ERROR_INVALID,
                   "at most %d %s masks, not %u", CEP_AUGMENT_MAX_BANDS, what, masks_max);
      return FALSE;
    }
  if (width_min > width_max)
    {
      g_set_error (error, CEP_AUGMENT_ERROR, CEP_AUGMENT_ERROR_INVALID,
                   "%s mask width: minimum %u is above maximum %u", what, width_min, width_max);
      return FALSE;
    }
  if (masks_max > 0 && width_max == 0)
    {
      g_set_error (error, CEP_AUGMENT_ERROR, CEP_AUGMENT_ERROR_INVALID,
                   "%s masks need a maximum width of at least 1", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
cep_augment_spec_validate (const CepAugmentSpec  *spec,
                           GError               **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (!(spec->probability >= 0.0 && spec->probability <= 1.0))
    {
      g_set_error (error, CEP_AUGMENT_ERROR, CEP_AUGMENT_ERROR_INVALID,
                   "mask probability %g is not in [0, 1]", spec->probability);
      return FALSE;
    }
  return validate_bands ("frequency", spec->freq_masks_max, spec->freq_width_min,
                         spec->freq_width_max, error)
         && validate_bands ("time", spec->time_masks_max, spec->time_width_min,
                            spec->time_width_max, error);
}

/* Draws 0..masks_max bands of width in [min, max] (clipped to @extent), each placed uniformly
 * among the starts where it fits. */
static guint
draw_bands (CepRng      *rng,
            guint        masks_max,
            guint        width_min,
            guint        width_max,
            guint        extent,
            CepMaskBand *bands)
{
  guint n = cep_rng_range (rng, 0, masks_max);

  for (guint i = 0; i < n; i++)
    {
      guint width = cep_rng_range (rng, width_min, width_max);
      width = MIN (width, extent);
      bands[i].width = width;
      bands[i].start = cep_rng_range (rng, 0, extent - width);
    }
  return n;
}

void
cep_augment_draw (const CepAugmentSpec *spec,
                  guint64               seed,
                  guint                 epoch,
                  guint64               batch_index,
                  guint                 sample_index,
                  guint                 n_frames,
                  guint                 dim,
                  CepMaskSet           *masks)
{
  CepRng rng;

  g_return_if_fail (spec != NULL && masks != NULL);

  /* Unused bands are zeroed too, so equal mask sets compare equal byte for byte. */
  memset (masks, 0, sizeof *masks);
  if (!spec->enabled || n_frames == 0 || dim == 0)
    return;

  /* Batch indices above 2^32 cannot occur (a batch holds at least one of < 2^32 frames). */
  guint32 sample = spec->per_batch ? 0 : MIN (sample_index, CEP_RNG_MAX_INDEX);
  cep_rng_init_indexed (&rng, seed, CEP_RNG_STREAM_MASKS, epoch, (guint32) batch_index, sample);

  /* The probability word is always drawn so the bands do not depend on it. */
  if (!(cep_rng_uniform (&rng) < spec->probability))
    return;
  masks->n_freq = draw_bands (&rng, spec->freq_masks_max, spec->freq_width_min,
                              spec->freq_width_max, dim, masks->freq);
  masks->n_time = draw_bands (&rng, spec->time_masks_max, spec->time_width_min,
                              spec->time_width_max, n_frames, masks->time);
}

/* Up to this many masked coefficients per frame are zeroed one store each; wider masks go
 * through memset, which only pays off for long runs. */
#define MAX_LISTED_COLUMNS 64

/* The coefficients the frequency bands cover, clipped to @dim; FALSE if there are too many to
 * list. Overlapping bands list a column twice, which is harmless. */
static gboolean
list_freq_columns (const CepMaskSet *masks,
                   guint             dim,
                   guint            *columns,
                   guint            *n_columns)
{
  *n_columns = 0;
  for (guint b = 0; b < masks->n_freq; b++)
    {
      guint start = MIN (masks->freq[b].start, dim);
      guint end = start + MIN (masks->freq[b].width, dim - start);
      if (*n_columns + (end - start) > MAX_LISTED_COLUMNS)
        return FALSE;
      for (guint d = start; d < end; d++)
        columns[(*n_columns)++] = d;
    }
  return TRUE;
}

/* Frequency bands touch a few floats in every frame: a few plain stores per frame beat a
 * memset call per band and frame (the batch producer's hot path). */
static void
apply_freq_bands (const CepMaskSet *masks,
                  float            *window,
                  guint             n_frames,
                  guint             dim)
{
  guint columns[MAX_LISTED_COLUMNS], n_columns;

  if (list_freq_columns (masks, dim, columns, &n_columns))
    {
      for (guint t = 0; t < n_frames; t++)
        for (guint i = 0; i < n_columns; i++)
          window[(gsize) t * dim + columns[i]] = 0.0f;
      return;
    }
  for (guint b = 0; b < masks->n_freq; b++)
    {
      guint start = MIN (masks->freq[b].start, dim);
      guint width = MIN (masks->freq[b].width, dim - start);
      for (guint t = 0; t < n_frames && width > 0; t++)
        memset (window + (gsize) t * dim + start, 0, width * sizeof (float));
    }
}

void
cep_augment_apply (const CepMaskSet *masks,
                   float            *window,
                   guint             n_frames,
                   guint             dim)
{
  g_return_if_fail (masks != NULL);

  if (masks->n_freq > 0)
    apply_freq_bands (masks, window, n_frames, dim);
  for (guint b = 0; b < masks->n_time; b++)
    {
      const CepMaskBand *band = &masks->time[b];
      guint width = MIN (band->width, n_frames - MIN (band->start, n_frames));
      if (width == 0)
        continue;
      memset (window + (gsize) band->start * dim, 0, (gsize) width * dim * sizeof (float));
    }
}
