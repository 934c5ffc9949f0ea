/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-augment.c: mask specs, reproducibility of drawn masks, their bounds and statistics,
 * and zeroing a window.
 */
#include <math.h>
#include <string.h>

#include "cep-augment.h"

static CepAugmentSpec
enabled_spec (void)
{
  CepAugmentSpec spec;

  cep_augment_spec_init_default (&spec);
  spec.enabled = TRUE;
  return spec;
}

static gboolean
masks_equal (const CepMaskSet *a,
             const CepMaskSet *b)
{
  if (a->n_freq != b->n_freq || a->n_time != b->n_time)
    return FALSE;
  for (guint i = 0; i < a->n_freq; i++)
    if (a->freq[i].start != b->freq[i].start || a->freq[i].width != b->freq[i].width)
      return FALSE;
  for (guint i = 0; i < a->n_time; i++)
    if (a->time[i].start != b->time[i].start || a->time[i].width != b->time[i].width)
      return FALSE;
  return TRUE;
}

static void
test_default_spec (void)
{
  CepAugmentSpec spec;

  cep_augment_spec_init_default (&spec);
  g_assert_false (spec.enabled);
  g_assert_cmpuint (spec.freq_masks_max, ==, 2);
  g_assert_cmpuint (spec.freq_width_min, ==, 3);
  g_assert_cmpuint (spec.freq_width_max, ==, 4);
  g_assert_cmpuint (spec.time_masks_max, ==, 2);
  g_assert_cmpuint (spec.time_width_min, ==, 3);
  g_assert_cmpuint (spec.time_width_max, ==, 8);
  g_assert_cmpfloat (spec.probability, ==, 1.0);
  g_assert_false (spec.per_batch);
  g_assert_true (cep_augment_spec_validate (&spec, NULL));
}

static void
assert_invalid (const CepAugmentSpec *spec,
                const char           *message_part)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (cep_augment_spec_validate (spec, &error));
  g_assert_error (error, CEP_AUGMENT_ERROR, CEP_AUGMENT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_validate (void)
{
  CepAugmentSpec spec = enabled_spec ();

  spec.freq_width_min = 5;
  assert_invalid (&spec, "frequency mask width: minimum 5 is above maximum 4");
  spec = enabled_spec ();
  spec.time_masks_max = CEP_AUGMENT_MAX_BANDS + 1;
  assert_invalid (&spec, "at most 8 time masks, not 9");
  spec = enabled_spec ();
  spec.probability = 1.5;
  assert_invalid (&spec, "probability 1.5");
  spec.probability = NAN;
  assert_invalid (&spec, "probability");
  spec = enabled_spec ();
  spec.freq_width_min = spec.freq_width_max = 0;
  assert_invalid (&spec, "frequency masks need a maximum width of at least 1");
  spec.freq_masks_max = 0;
  g_assert_true (cep_augment_spec_validate (&spec, NULL));
}

static void
test_reproducible (void)
{
  CepAugmentSpec spec = enabled_spec ();
  CepMaskSet a, b;

  for (guint sample = 0; sample < 50; sample++)
    {
      cep_augment_draw (&spec, 99, 3, 17, sample, 61, 28, &a);
      cep_augment_draw (&spec, 99, 3, 17, sample, 61, 28, &b);
      g_assert_true (masks_equal (&a, &b));
    }
}

/* Counts distinct mask sets among draws that differ in one coordinate only. */
static guint
count_distinct (const CepAugmentSpec *spec,
                guint                 which)
{
  CepMaskSet sets[64];
  guint distinct = 0;

  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    {
      guint64 seed = which == 0 ? i : 5;
      guint epoch = which == 1 ? i : 2;
      guint64 batch = which == 2 ? i : 7;
      guint sample = which == 3 ? i : 11;
      cep_augment_draw (spec, seed, epoch, batch, sample, 61, 28, &sets[i]);
      gboolean seen = FALSE;
      for (guint j = 0; j < i && !seen; j++)
        seen = masks_equal (&sets[i], &sets[j]);
      distinct += !seen;
    }
  return distinct;
}

/* Each coordinate feeds the draw: with 2 bands of 2 widths x ~25 starts and 2 bands of 6
 * widths x ~55 starts, 64 draws almost never repeat (empty sets are 1/9 of them). */
static void
test_coordinates_matter (void)
{
  CepAugmentSpec spec = enabled_spec ();

  for (guint which = 0; which < 4; which++)
    g_assert_cmpuint (count_distinct (&spec, which), >, 40);
}

static void
test_per_batch (void)
{
  CepAugmentSpec spec = enabled_spec ();
  CepMaskSet first, other;

  spec.per_batch = TRUE;
  for (guint64 batch = 0; batch < 20; batch++)
    {
      cep_augment_draw (&spec, 1, 0, batch, 0, 61, 28, &first);
      for (guint sample = 1; sample < 64; sample++)
        {
          cep_augment_draw (&spec, 1, 0, batch, sample, 61, 28, &other);
          g_assert_true (masks_equal (&first, &other));
        }
    }
  /* ... and the batch mask is the per-sample mask of sample 0. */
  CepAugmentSpec per_sample = spec;
  per_sample.per_batch = FALSE;
  cep_augment_draw (&per_sample, 1, 0, 19, 0, 61, 28, &other);
  g_assert_true (masks_equal (&first, &other));
  g_assert_cmpuint (count_distinct (&spec, 3), ==, 1);
}

static void
assert_bands_valid (const CepMaskBand *bands,
                    guint              n,
                    guint              max_count,
                    guint              width_min,
                    guint              width_max,
                    guint              extent)
{
  g_assert_cmpuint (n, <=, max_count);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (bands[i].width, >=, MIN (width_min, extent));
      g_assert_cmpuint (bands[i].width, <=, MIN (width_max, extent));
      g_assert_cmpuint (bands[i].start + bands[i].width, <=, extent);
    }
}

static void
test_bounds (void)
{
  CepAugmentSpec spec = enabled_spec ();
  const guint shapes[][2] = { { 61, 28 }, { 1, 28 }, { 3, 2 }, { 9, 4 }, { 201, 13 } };

  spec.freq_masks_max = 5;
  spec.freq_width_min = 2;
  spec.freq_width_max = 6;
  spec.time_masks_max = 4;
  spec.time_width_min = 1;
  spec.time_width_max = 12;
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (guint sample = 0; sample < 500; sample++)
      {
        CepMaskSet m;
        cep_augment_draw (&spec, 4, 1, 2, sample, shapes[s][0], shapes[s][1], &m);
        assert_bands_valid (m.freq, m.n_freq, 5, 2, 6, shapes[s][1]);
        assert_bands_valid (m.time, m.n_time, 4, 1, 12, shapes[s][0]);
      }
}

static void
test_disabled_and_probability_zero (void)
{
  CepAugmentSpec spec = enabled_spec ();
  CepMaskSet m;

  spec.enabled = FALSE;
  for (guint sample = 0; sample < 200; sample++)
    {
      cep_augment_draw (&spec, 4, 1, 2, sample, 61, 28, &m);
      g_assert_cmpuint (m.n_freq + m.n_time, ==, 0);
    }
  spec.enabled = TRUE;
  spec.probability = 0.0;
  for (guint sample = 0; sample < 2000; sample++)
    {
      cep_augment_draw (&spec, 4, 1, 2, sample, 61, 28, &m);
      g_assert_cmpuint (m.n_freq + m.n_time, ==, 0);
    }
}

/* With probability 1 the band counts are uniform over 0..max; with p the share of masked
 * samples is p times the chance that a masked sample has a band at all. */
static void
test_probability_statistics (void)
{
  CepAugmentSpec spec = enabled_spec ();
  guint count_hist[3] = { 0 };
  const guint n = 9000;
  CepMaskSet m;

  for (guint sample = 0; sample < n; sample++)
    {
      cep_augment_draw (&spec, 8, 0, sample / 1000, sample % 1000, 61, 28, &m);
      count_hist[m.n_freq]++;
    }
  for (guint c = 0; c < 3; c++)
    g_assert_cmpfloat (fabs (count_hist[c] / (double) n - 1.0 / 3), <, 0.03);

  spec.probability = 0.3;
  guint nonempty = 0;
  for (guint sample = 0; sample < n; sample++)
    {
      cep_augment_draw (&spec, 8, 0, sample / 1000, sample % 1000, 61, 28, &m);
      nonempty += m.n_freq + m.n_time > 0;
    }
  g_assert_cmpfloat (fabs (nonempty / (double) n - 0.3 * 8.0 / 9.0), <, 0.03);
}

/* A band of fixed width lands on every start where it fits, about equally often. */
static void
test_start_uniform (void)
{
  CepAugmentSpec spec = enabled_spec ();
  guint starts[8] = { 0 };
  guint total = 0;

  spec.freq_masks_max = 1;
  spec.freq_width_min = spec.freq_width_max = 3;
  spec.time_masks_max = 0;
  for (guint sample = 0; sample < 8000; sample++)
    {
      CepMaskSet m;
      cep_augment_draw (&spec, 21, 0, 0, sample, 5, 10, &m);
      for (guint i = 0; i < m.n_freq; i++, total++)
        starts[m.freq[i].start]++;
    }
  for (guint s = 0; s < 8; s++)
    g_assert_cmpfloat (fabs (starts[s] / (double) total - 1.0 / 8), <, 0.03);
}

static void
test_apply (void)
{
  const guint n_frames = 7, dim = 5;
  CepMaskSet m = { 0 };
  float window[7 * 5];

  for (guint i = 0; i < G_N_ELEMENTS (window); i++)
    window[i] = (float) i + 1;
  m.n_freq = 2;
  m.freq[0] = (CepMaskBand) { 1, 2 };
  m.freq[1] = (CepMaskBand) { 4, 1 };
  m.n_time = 1;
  m.time[0] = (CepMaskBand) { 5, 2 };
  cep_augment_apply (&m, window, n_frames, dim);

  for (guint t = 0; t < n_frames; t++)
    for (guint d = 0; d < dim; d++)
      {
        gboolean masked = d == 1 || d == 2 || d == 4 || t >= 5;
        float expected = masked ? 0.0f : (float) (t * dim + d) + 1;
        g_assert_cmpfloat (window[t * dim + d], ==, expected);
      }
}

/* Compares cep_augment_apply() with a per-cell check, for narrow bands (listed columns),
 * overlapping ones, and bands too wide to list (memset path). */
static void
check_apply_naive (const CepMaskSet *m,
                   guint             n_frames,
                   guint             dim)
{
  g_autofree float *window = g_new (float, n_frames * dim);

  for (guint i = 0; i < n_frames * dim; i++)
    window[i] = (float) i + 1;
  cep_augment_apply (m, window, n_frames, dim);
  for (guint t = 0; t < n_frames; t++)
    for (guint d = 0; d < dim; d++)
      {
        gboolean masked = FALSE;
        for (guint b = 0; b < m->n_freq; b++)
          masked |= d >= m->freq[b].start && d < m->freq[b].start + m->freq[b].width;
        for (guint b = 0; b < m->n_time; b++)
          masked |= t >= m->time[b].start && t < m->time[b].start + m->time[b].width;
        g_assert_cmpfloat (window[t * dim + d], ==, masked ? 0.0f : (float) (t * dim + d) + 1);
      }
}

static void
test_apply_paths (void)
{
  CepMaskSet narrow = { 2, { { 3, 4 }, { 5, 4 } }, 0, { { 0, 0 } } };
  CepMaskSet wide = { 2, { { 0, 40 }, { 50, 40 } }, 1, { { 9, 3 } } };
  CepMaskSet clipped = { 1, { { 95, 10 } }, 1, { { 10, 5 } } };

  check_apply_naive (&narrow, 61, 28);
  check_apply_naive (&wide, 13, 100);
  check_apply_naive (&clipped, 12, 100);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/augment/spec/default", test_default_spec);
  g_test_add_func ("/augment/spec/validate", test_validate);
  g_test_add_func ("/augment/draw/reproducible", test_reproducible);
  g_test_add_func ("/augment/draw/coordinates-matter", test_coordinates_matter);
  g_test_add_func ("/augment/draw/per-batch", test_per_batch);
  g_test_add_func ("/augment/draw/bounds", test_bounds);
  g_test_add_func ("/augment/draw/disabled-and-probability-zero",
                   test_disabled_and_probability_zero);
  g_test_add_func ("/augment/draw/probability-statistics", test_probability_statistics);
  g_test_add_func ("/augment/draw/start-uniform", test_start_uniform);
  g_test_add_func ("/augment/apply", test_apply);
  g_test_add_func ("/augment/apply-paths", test_apply_paths);

  return g_test_run ();
}
