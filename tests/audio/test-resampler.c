/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-resampler.c: CepResampler against torchaudio.functional.resample (goldens from
 * tests/fixtures/audio/make-goldens.py), output lengths, identity and edge behaviour.
 */
#include <glib.h>
#include <math.h>

#include "audio-test-util.h"
#include "cep-resampler.h"

typedef struct
{
  const char *input;
  guint       from;
  const char *golden;
} ResampleCase;

static const ResampleCase resample_cases[] = {
  { "resample-in-8000.npy", 8000, "resample-8000-16000.npy" },
  { "resample-in-44100.npy", 44100, "resample-44100-16000.npy" },
};

static float *
resample_all (guint        from,
              guint        to,
              const float *in,
              gsize        n_in,
              gsize       *n_out)
{
  g_autoptr (CepResampler) resampler = cep_resampler_new (from, to);
  float *out;

  *n_out = cep_resampler_get_n_output (resampler, n_in);
  out = g_new (float, *n_out + 1);
  cep_resampler_process (resampler, in, n_in, out);
  return out;
}

static float
peak (const float *x,
      gsize        n)
{
  float m = 0.0f;

  for (gsize i = 0; i < n; i++)
    m = MAX (m, fabsf (x[i]));
  return m;
}

/* The torchaudio output must agree to float32 rounding of int16-scale samples: 1e-6 of the
 * signal's peak (about 0.01 on 9000) leaves room for it and nothing else. */
static void
check_against_golden (const float *input,
                      gsize        n_in,
                      guint        from,
                      const char  *golden_name)
{
  gsize rows, cols, n_out;
  g_autofree float *golden = audio_test_load_golden (golden_name, &rows, &cols);
  g_autofree float *out = resample_all (from, 16000, input, n_in, &n_out);
  double error, relative;

  g_assert_cmpuint (cols, ==, 1);
  g_assert_cmpuint (n_out, ==, rows);
  error = audio_test_max_abs_error (out, golden, n_out);
  relative = error / peak (golden, rows);
  g_test_message ("%u -> 16000: %zu samples, max abs error %.3g (%.3g of peak)", from, n_out,
                  error, relative);
  g_assert_cmpfloat (relative, <, 1e-6);
}

static void
test_resampler_matches_torchaudio (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (resample_cases); i++)
    {
      const ResampleCase *c = &resample_cases[i];
      gsize n_in, cols;
      g_autofree float *input = audio_test_load_golden (c->input, &n_in, &cols);

      check_against_golden (input, n_in, c->from, c->golden);
    }
}

/* The 22.05 kHz golden is the channel mean of the stereo fixture; make-goldens.py resamples
 * (left + right) / 2, which cep_audio_load also computes exactly for 16-bit input. */
static void
test_resampler_matches_torchaudio_22050 (void)
{
  gsize n_in;
  g_autofree float *input = audio_test_load_fixture_wav ("chirp-22k-stereo.wav", &n_in);

  check_against_golden (input, n_in, 22050, "resample-22050-16000.npy");
}

static void
test_resampler_output_length (void)
{
  static const guint rates[][2] = {
    { 22050, 16000 }, { 44100, 16000 }, { 8000, 16000 }, { 48000, 16000 }, { 16000, 16000 },
    { 11025, 16000 }, { 16000, 22050 },
  };

  for (gsize r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      g_autoptr (CepResampler) resampler = cep_resampler_new (rates[r][0], rates[r][1]);

      for (guint64 n = 0; n < 2000; n++)
        {
          guint64 expected = (n * rates[r][1] + rates[r][0] - 1) / rates[r][0];

          g_assert_cmpuint (cep_resampler_get_n_output (resampler, n), ==, expected);
        }
      /* No overflow of n * to for long signals (10^12 samples). */
      g_assert_cmpuint (cep_resampler_get_n_output (resampler, G_GUINT64_CONSTANT (1000000000000)),
                        ==, (G_GUINT64_CONSTANT (1000000000000) / rates[r][0]) * rates[r][1]
                            + ((G_GUINT64_CONSTANT (1000000000000) % rates[r][0]) * rates[r][1]
                               + rates[r][0] - 1) / rates[r][0]);
    }
}

static void
test_resampler_identity (void)
{
  float in[5] = { 1.0f, -2.5f, 3.0f, 1e4f, -32768.0f };
  float out[5] = { 0 };
  g_autoptr (CepResampler) resampler = cep_resampler_new (16000, 16000);

  g_assert_cmpuint (cep_resampler_get_n_output (resampler, 5), ==, 5);
  cep_resampler_process (resampler, in, 5, out);
  for (gsize i = 0; i < 5; i++)
    g_assert_cmpfloat (out[i], ==, in[i]);
}

/* A constant away from the edges keeps its level (the kernel's DC gain is 1 within 1e-3),
 * and the zero padding of the reference pulls the first output down. (The goldens check the
 * edges exactly.) */
static void
test_resampler_constant_signal (void)
{
  gsize n_in = 22050, n_out;
  g_autofree float *in = g_new (float, n_in);
  g_autofree float *out = NULL;

  for (gsize i = 0; i < n_in; i++)
    in[i] = 1000.0f;
  out = resample_all (22050, 16000, in, n_in, &n_out);
  g_assert_cmpuint (n_out, ==, 16000);
  for (gsize j = 100; j < n_out - 100; j++)
    g_assert_cmpfloat_with_epsilon (out[j], 1000.0, 1.0);
  /* Half of the first output's kernel lies on the zero padding. */
  g_assert_cmpfloat (out[0], >, 400.0);
  g_assert_cmpfloat (out[0], <, 900.0);
}

/* Inputs shorter than the kernel only take the edge path; a single sample still produces
 * ceil (to / from) outputs and nothing is read outside the input (ASan watches). */
static void
test_resampler_tiny_inputs (void)
{
  for (gsize n_in = 1; n_in <= 12; n_in++)
    {
      g_autofree float *in = g_new (float, n_in);
      g_autofree float *down = NULL;
      g_autofree float *up = NULL;
      gsize n_down, n_up;

      for (gsize i = 0; i < n_in; i++)
        in[i] = (float) (i + 1) * 100.0f;
      down = resample_all (44100, 16000, in, n_in, &n_down);
      up = resample_all (8000, 16000, in, n_in, &n_up);
      g_assert_cmpuint (n_up, ==, 2 * n_in);
      for (gsize j = 0; j < n_down; j++)
        g_assert_true (isfinite (down[j]) && fabsf (down[j]) < 2000.0f);
      for (gsize j = 0; j < n_up; j++)
        g_assert_true (isfinite (up[j]) && fabsf (up[j]) < 2000.0f);
    }
}

/* Upsampling by 2 with a band-limited kernel passes the original samples through nearly
 * unchanged at even output positions (away from the edges). */
static void
test_resampler_upsampling_interpolates (void)
{
  gsize n_in = 4000, n_out;
  g_autofree float *in = g_new (float, n_in);
  g_autofree float *out = NULL;

  for (gsize i = 0; i < n_in; i++)
    in[i] = (float) (3000.0 * sin (2.0 * G_PI * 440.0 * i / 8000.0));
  out = resample_all (8000, 16000, in, n_in, &n_out);
  g_assert_cmpuint (n_out, ==, 2 * n_in);
  for (gsize j = 200; j < n_out - 200; j++)
    {
      double expected = 3000.0 * sin (2.0 * G_PI * 440.0 * j / 16000.0);

      g_assert_cmpfloat_with_epsilon (out[j], expected, 3000.0 * 0.01);
    }
}

/* Nearly coprime rates give tens of thousands of phases; each must still be a band-limited
 * interpolator (and building them must stay cheap). */
static void
test_resampler_coprime_rates (void)
{
  static const guint rates[][2] = { { 48001, 48000 }, { 16000, 44101 }, { 22050, 16001 } };

  for (gsize r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      guint from = rates[r][0], to = rates[r][1];
      gsize n_in = from / 2, n_out;
      g_autofree float *in = g_new (float, n_in);
      g_autofree float *out = NULL;

      for (gsize i = 0; i < n_in; i++)
        in[i] = (float) (3000.0 * sin (2.0 * G_PI * 1000.0 * i / from));
      out = resample_all (from, to, in, n_in, &n_out);
      g_assert_cmpuint (n_out, ==, ((guint64) n_in * to + from - 1) / from);
      for (gsize j = 200; j < n_out - 200; j++)
        g_assert_cmpfloat_with_epsilon (out[j], 3000.0 * sin (2.0 * G_PI * 1000.0 * j / to),
                                        3000.0 * 0.01);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/resampler/matches-torchaudio", test_resampler_matches_torchaudio);
  g_test_add_func ("/resampler/matches-torchaudio-22050",
                   test_resampler_matches_torchaudio_22050);
  g_test_add_func ("/resampler/output-length", test_resampler_output_length);
  g_test_add_func ("/resampler/identity", test_resampler_identity);
  g_test_add_func ("/resampler/constant-signal", test_resampler_constant_signal);
  g_test_add_func ("/resampler/tiny-inputs", test_resampler_tiny_inputs);
  g_test_add_func ("/resampler/upsampling-interpolates", test_resampler_upsampling_interpolates);
  g_test_add_func ("/resampler/coprime-rates", test_resampler_coprime_rates);
  return g_test_run ();
}
