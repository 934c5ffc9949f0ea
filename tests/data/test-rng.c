/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-rng.c: Philox4x32-10 against the Random123 known-answer vectors, and the cursor's
 * layout, ranges and uniformity.
 */
#include <math.h>

#include "cep-rng.h"

typedef struct
{
  guint32 counter[4];
  guint32 key[2];
  guint32 expected[4];
} KnownAnswer;

/* From Random123's kat_vectors (philox4x32, 10 rounds). */
static const KnownAnswer known_answers[] = {
  { { 0, 0, 0, 0 }, { 0, 0 }, { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 } },
  { { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff }, { 0xffffffff, 0xffffffff },
    { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd } },
  { { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 }, { 0xa4093822, 0x299f31d0 },
    { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 } },
};

static void
test_known_answers (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_answers); i++)
    {
      guint32 out[4];
      cep_philox4x32 (known_answers[i].counter, known_answers[i].key, out);
      for (guint w = 0; w < 4; w++)
        g_assert_cmphex (out[w], ==, known_answers[i].expected[w]);
    }
}

/* The cursor's words are Philox blocks of counter {c0, c1, stream | c2 << 8, 0, 1, ...}. */
static void
test_cursor_layout (void)
{
  guint64 seed = G_GUINT64_CONSTANT (0x0123456789abcdef);
  CepRng rng;

  cep_rng_init_indexed (&rng, seed, CEP_RNG_STREAM_MASKS, 7, 11, 13);
  for (guint32 block = 0; block < 3; block++)
    {
      guint32 counter[4] = { 7, 11, CEP_RNG_STREAM_MASKS | (13u << 8), block };
      guint32 key[2] = { 0x89abcdef, 0x01234567 };
      guint32 expected[4];
      cep_philox4x32 (counter, key, expected);
      for (guint w = 0; w < 4; w++)
        g_assert_cmphex (cep_rng_next_u32 (&rng), ==, expected[w]);
    }
}

static void
test_init_is_indexed_zero (void)
{
  CepRng a, b;

  cep_rng_init (&a, 42, CEP_RNG_STREAM_SHUFFLE, 3, 4);
  cep_rng_init_indexed (&b, 42, CEP_RNG_STREAM_SHUFFLE, 3, 4, 0);
  for (guint i = 0; i < 16; i++)
    g_assert_cmphex (cep_rng_next_u32 (&a), ==, cep_rng_next_u32 (&b));
}

static guint32
first_word (guint64 seed,
            guint32 stream,
            guint32 c0,
            guint32 c1,
            guint32 c2)
{
  CepRng rng;
  cep_rng_init_indexed (&rng, seed, stream, c0, c1, c2);
  return cep_rng_next_u32 (&rng);
}

/* Changing any coordinate changes the numbers (a collision here would mean shared streams). */
static void
test_coordinates_separate (void)
{
  guint32 base = first_word (1, 1, 0, 0, 0);

  g_assert_cmphex (first_word (2, 1, 0, 0, 0), !=, base);
  g_assert_cmphex (first_word (G_GUINT64_CONSTANT (1) << 32 | 1, 1, 0, 0, 0), !=, base);
  g_assert_cmphex (first_word (1, 2, 0, 0, 0), !=, base);
  g_assert_cmphex (first_word (1, 1, 1, 0, 0), !=, base);
  g_assert_cmphex (first_word (1, 1, 0, 1, 0), !=, base);
  g_assert_cmphex (first_word (1, 1, 0, 0, 1), !=, base);
}

static void
test_range_bounds (void)
{
  CepRng rng;

  cep_rng_init (&rng, 9, CEP_RNG_STREAM_INIT, 0, 0);
  for (guint i = 0; i < 1000; i++)
    g_assert_cmpuint (cep_rng_range (&rng, 5, 5), ==, 5);
  for (guint i = 0; i < 10000; i++)
    {
      guint32 v = cep_rng_range (&rng, 3, 9);
      g_assert_cmpuint (v, >=, 3);
      g_assert_cmpuint (v, <=, 9);
    }
  /* The full range must not overflow n = span + 1. */
  gboolean high = FALSE;
  for (guint i = 0; i < 100; i++)
    high |= cep_rng_range (&rng, 0, G_MAXUINT32) > G_MAXUINT32 / 2;
  g_assert_true (high);
}

/* Chi-square over 7 buckets (6 degrees of freedom): 22.46 is the 0.1% critical value. The draw
 * is deterministic, so this cannot flake; it fails only if the mapping is badly biased. */
static void
test_range_uniform (void)
{
  guint64 counts[7] = { 0 };
  const guint n = 70000;
  CepRng rng;

  cep_rng_init (&rng, 1234, CEP_RNG_STREAM_DEMO, 0, 0);
  for (guint i = 0; i < n; i++)
    counts[cep_rng_range (&rng, 0, 6)]++;

  double chi2 = 0, expected = n / 7.0;
  for (guint b = 0; b < 7; b++)
    chi2 += (counts[b] - expected) * (counts[b] - expected) / expected;
  g_assert_cmpfloat (chi2, <, 22.46);
}

static void
test_uniform_float (void)
{
  CepRng rng;
  double sum = 0;
  const guint n = 100000;

  cep_rng_init (&rng, 77, CEP_RNG_STREAM_DROPOUT, 1, 2);
  for (guint i = 0; i < n; i++)
    {
      float u = cep_rng_uniform (&rng);
      g_assert_cmpfloat (u, >=, 0.0f);
      g_assert_cmpfloat (u, <, 1.0f);
      sum += u;
    }
  /* Standard error of the mean is 1/sqrt(12 n) ~ 0.0009. */
  g_assert_cmpfloat (fabs (sum / n - 0.5), <, 0.005);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rng/philox/known-answers", test_known_answers);
  g_test_add_func ("/rng/cursor/layout", test_cursor_layout);
  g_test_add_func ("/rng/cursor/init-is-indexed-zero", test_init_is_indexed_zero);
  g_test_add_func ("/rng/cursor/coordinates-separate", test_coordinates_separate);
  g_test_add_func ("/rng/range/bounds", test_range_bounds);
  g_test_add_func ("/rng/range/uniform", test_range_uniform);
  g_test_add_func ("/rng/uniform-float", test_uniform_float);

  return g_test_run ();
}
