/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-mfcc.c: CepMfcc against torchaudio.compliance.kaldi (goldens from
 * tests/fixtures/audio/make-goldens.py, one per option set), framing, option validation,
 * dither and degenerate input.
 */
#include <float.h>
#include <glib.h>
#include <math.h>

#include "audio-test-util.h"
#include "cep-mfcc.h"

/* The goldens are torchaudio's float64 results; Cepstra lands within ~1e-4 of them. The
 * acceptance bound of the issue is 5e-3; this one is tighter so regressions show. */
#define MFCC_TOLERANCE 1e-3

typedef void (*OptionsSetter) (CepMfccOptions *options);

typedef struct
{
  const char    *golden;
  gboolean       fbank;
  OptionsSetter  set;
} GoldenCase;

static void set_defaults (CepMfccOptions *o) { (void) o; }
static void set_energy (CepMfccOptions *o) { o->use_energy = TRUE; }
static void
set_energy_windowed (CepMfccOptions *o)
{
  o->use_energy = TRUE;
  o->raw_energy = FALSE;
  o->energy_floor = 1e9;
}
static void set_hamming (CepMfccOptions *o) { o->window_type = CEP_WINDOW_HAMMING; }
static void set_hanning (CepMfccOptions *o) { o->window_type = CEP_WINDOW_HANNING; }
static void set_rectangular (CepMfccOptions *o) { o->window_type = CEP_WINDOW_RECTANGULAR; }
static void set_blackman (CepMfccOptions *o) { o->window_type = CEP_WINDOW_BLACKMAN; }
static void set_nosnip (CepMfccOptions *o) { o->snip_edges = FALSE; }
static void
set_nosnip_shift7 (CepMfccOptions *o)
{
  o->snip_edges = FALSE;
  o->frame_shift_ms = 7.0;
}
static void
set_13_23 (CepMfccOptions *o)
{
  o->num_ceps = 13;
  o->num_mel_bins = 23;
}
static void
set_band (CepMfccOptions *o)
{
  o->low_freq = 100.0;
  o->high_freq = -400.0;
}
static void
set_nopow2 (CepMfccOptions *o)
{
  o->round_to_power_of_two = FALSE;
  o->frame_length_ms = 20.0;
  o->frame_shift_ms = 5.0;
}
static void
set_plain (CepMfccOptions *o)
{
  o->preemph_coeff = 0.0;
  o->remove_dc_offset = FALSE;
  o->cepstral_lifter = 0.0;
}

/* Mirrors FEATURES in make-goldens.py. */
static const GoldenCase golden_cases[] = {
  { "mfcc-default.npy", FALSE, set_defaults },
  { "fbank-default.npy", TRUE, set_defaults },
  { "fbank-energy.npy", TRUE, set_energy },
  { "mfcc-energy.npy", FALSE, set_energy },
  { "mfcc-energy-windowed.npy", FALSE, set_energy_windowed },
  { "mfcc-hamming.npy", FALSE, set_hamming },
  { "mfcc-hanning.npy", FALSE, set_hanning },
  { "mfcc-rectangular.npy", FALSE, set_rectangular },
  { "mfcc-blackman.npy", FALSE, set_blackman },
  { "mfcc-nosnip.npy", FALSE, set_nosnip },
  { "fbank-nosnip.npy", TRUE, set_nosnip_shift7 },
  { "mfcc-13-23.npy", FALSE, set_13_23 },
  { "mfcc-band.npy", FALSE, set_band },
  { "mfcc-nopow2.npy", FALSE, set_nopow2 },
  { "mfcc-plain.npy", FALSE, set_plain },
};

static CepMfcc *
new_mfcc (OptionsSetter set)
{
  CepMfccOptions options;
  g_autoptr (GError) error = NULL;
  CepMfcc *mfcc;

  cep_mfcc_options_init (&options);
  set (&options);
  mfcc = cep_mfcc_new (&options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mfcc);
  return mfcc;
}

static float *
compute (CepMfcc     *mfcc,
         gboolean     fbank,
         const float *samples,
         gsize        n_samples,
         gsize       *n_frames)
{
  g_autoptr (GError) error = NULL;
  float *out = fbank ? cep_mfcc_compute_fbank (mfcc, samples, n_samples, n_frames, &error)
                     : cep_mfcc_compute (mfcc, samples, n_samples, n_frames, &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

static void
test_mfcc_matches_torchaudio (gconstpointer data)
{
  const GoldenCase *c = data;
  gsize n_samples, rows, cols, n_frames;
  g_autofree float *samples = audio_test_load_fixture_wav ("chirp-16k-mono.wav", &n_samples);
  g_autofree float *golden = audio_test_load_golden (c->golden, &rows, &cols);
  g_autoptr (CepMfcc) mfcc = new_mfcc (c->set);
  g_autofree float *out = compute (mfcc, c->fbank, samples, n_samples, &n_frames);
  guint dim = c->fbank ? cep_mfcc_get_fbank_dim (mfcc) : cep_mfcc_get_options (mfcc)->num_ceps;
  double error;

  g_assert_cmpuint (n_frames, ==, rows);
  g_assert_cmpuint (dim, ==, cols);
  g_assert_cmpuint (cep_mfcc_get_n_frames (mfcc, n_samples), ==, rows);
  error = audio_test_max_abs_error (out, golden, rows * cols);
  g_test_message ("%s: %zu x %zu, max abs error %.3g", c->golden, rows, cols, error);
  g_assert_cmpfloat (error, <=, MFCC_TOLERANCE);
}

static void
test_mfcc_options_defaults (void)
{
  CepMfccOptions o;

  cep_mfcc_options_init (&o);
  g_assert_cmpfloat (o.sample_rate, ==, 16000.0);
  g_assert_cmpfloat (o.frame_length_ms, ==, 25.0);
  g_assert_cmpfloat (o.frame_shift_ms, ==, 10.0);
  g_assert_cmpuint (o.num_mel_bins, ==, 40);
  g_assert_cmpuint (o.num_ceps, ==, 28);
  g_assert_cmpfloat (o.low_freq, ==, 20.0);
  g_assert_cmpfloat (o.high_freq, ==, 0.0);
  g_assert_cmpfloat (o.preemph_coeff, ==, 0.97);
  g_assert_true (o.remove_dc_offset);
  g_assert_cmpint (o.window_type, ==, CEP_WINDOW_POVEY);
  g_assert_true (o.round_to_power_of_two);
  g_assert_false (o.use_energy);
  g_assert_true (o.raw_energy);
  g_assert_cmpfloat (o.energy_floor, ==, 0.0);
  g_assert_cmpfloat (o.cepstral_lifter, ==, 22.0);
  g_assert_true (o.snip_edges);
  g_assert_cmpfloat (o.dither, ==, 0.0);
}

static void
test_mfcc_framing (void)
{
  g_autoptr (CepMfcc) snip = new_mfcc (set_defaults);
  g_autoptr (CepMfcc) reflect = new_mfcc (set_nosnip);

  g_assert_cmpuint (cep_mfcc_get_frame_length (snip), ==, 400);
  g_assert_cmpuint (cep_mfcc_get_frame_shift (snip), ==, 160);
  g_assert_cmpuint (cep_mfcc_get_fbank_dim (snip), ==, 40);
  for (gsize n = 0; n < 3000; n += 7)
    {
      gsize snip_expected = n < 400 ? 0 : 1 + (n - 400) / 160;
      gsize reflect_expected = n < 400 ? 0 : (n + 80) / 160;

      g_assert_cmpuint (cep_mfcc_get_n_frames (snip, n), ==, snip_expected);
      g_assert_cmpuint (cep_mfcc_get_n_frames (reflect, n), ==, reflect_expected);
    }
  g_assert_cmpint (cep_mfcc_get_frame_start (snip, 3), ==, 480);
  /* Reflected framing centres frame t on t * shift + shift / 2. */
  g_assert_cmpint (cep_mfcc_get_frame_start (reflect, 0), ==, 80 - 200);
  g_assert_cmpint (cep_mfcc_get_frame_start (reflect, 3), ==, 480 + 80 - 200);
}

static void
expect_options_error (OptionsSetter set)
{
  CepMfccOptions options;
  g_autoptr (GError) error = NULL;
  CepMfcc *mfcc;

  cep_mfcc_options_init (&options);
  set (&options);
  mfcc = cep_mfcc_new (&options, &error);
  g_assert_null (mfcc);
  g_assert_error (error, CEP_MFCC_ERROR, CEP_MFCC_ERROR_OPTIONS);
  g_test_message ("%s", error->message);
}

static void bad_ceps_over_bins (CepMfccOptions *o) { o->num_ceps = 41; }
static void bad_zero_ceps (CepMfccOptions *o) { o->num_ceps = 0; }
static void bad_few_bins (CepMfccOptions *o) { o->num_mel_bins = 3; o->num_ceps = 3; }
static void bad_high_below_low (CepMfccOptions *o) { o->low_freq = 4000; o->high_freq = 3000; }
static void bad_high_negative_past_low (CepMfccOptions *o) { o->high_freq = -7990; }
static void bad_high_over_nyquist (CepMfccOptions *o) { o->high_freq = 8001; }
static void bad_low_negative (CepMfccOptions *o) { o->low_freq = -1; }
static void bad_low_at_nyquist (CepMfccOptions *o) { o->low_freq = 8000; }
static void bad_short_frame (CepMfccOptions *o) { o->frame_length_ms = 0.1; }
static void bad_zero_shift (CepMfccOptions *o) { o->frame_shift_ms = 0.0; }
static void bad_rate (CepMfccOptions *o) { o->sample_rate = 0.0; }
static void bad_nan_rate (CepMfccOptions *o) { o->sample_rate = NAN; }
static void
bad_odd_unpadded (CepMfccOptions *o)
{
  o->round_to_power_of_two = FALSE;
  o->frame_length_ms = 25.0625; /* 401 samples */
}
static void bad_preemph (CepMfccOptions *o) { o->preemph_coeff = 1.5; }
static void bad_window (CepMfccOptions *o) { o->window_type = (CepWindowType) 99; }
static void bad_energy_floor (CepMfccOptions *o) { o->energy_floor = -1.0; }
static void bad_lifter (CepMfccOptions *o) { o->cepstral_lifter = -22.0; }
static void bad_dither (CepMfccOptions *o) { o->dither = -1.0; }

static void
test_mfcc_rejects_bad_options (void)
{
  static const OptionsSetter bad[] = {
    bad_ceps_over_bins, bad_zero_ceps, bad_few_bins, bad_high_below_low,
    bad_high_negative_past_low, bad_high_over_nyquist, bad_low_negative, bad_low_at_nyquist,
    bad_short_frame, bad_zero_shift, bad_rate, bad_nan_rate, bad_odd_unpadded, bad_preemph,
    bad_window, bad_energy_floor, bad_lifter, bad_dither,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    expect_options_error (bad[i]);
}

static void
test_mfcc_too_short (void)
{
  g_autoptr (CepMfcc) mfcc = new_mfcc (set_defaults);
  g_autoptr (CepMfcc) reflect = new_mfcc (set_nosnip);
  float samples[399] = { 0 };
  gsize n_frames = 123;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) fbank_error = NULL;
  g_autoptr (GError) reflect_error = NULL;

  g_assert_null (cep_mfcc_compute (mfcc, samples, 399, &n_frames, &error));
  g_assert_error (error, CEP_MFCC_ERROR, CEP_MFCC_ERROR_TOO_SHORT);
  g_assert_cmpuint (n_frames, ==, 123);
  g_assert_null (cep_mfcc_compute_fbank (mfcc, samples, 0, NULL, &fbank_error));
  g_assert_error (fbank_error, CEP_MFCC_ERROR, CEP_MFCC_ERROR_TOO_SHORT);
  g_assert_null (cep_mfcc_compute (reflect, samples, 399, NULL, &reflect_error));
  g_assert_error (reflect_error, CEP_MFCC_ERROR, CEP_MFCC_ERROR_TOO_SHORT);
}

/* Exactly one frame: the smallest valid input, in both framings. */
static void
test_mfcc_single_frame (void)
{
  g_autoptr (CepMfcc) mfcc = new_mfcc (set_defaults);
  g_autoptr (CepMfcc) reflect = new_mfcc (set_nosnip);
  g_autofree gint16 *tone = audio_test_make_tone (400, 16000, 3);
  g_autofree float *samples = g_new (float, 400);
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  gsize n_a, n_b;

  for (gsize i = 0; i < 400; i++)
    samples[i] = tone[i];
  a = compute (mfcc, FALSE, samples, 400, &n_a);
  b = compute (reflect, FALSE, samples, 400, &n_b);
  g_assert_cmpuint (n_a, ==, 1);
  /* (400 + 80) / 160 frames, the last one mostly reflected. */
  g_assert_cmpuint (n_b, ==, 3);
  for (gsize i = 0; i < 28; i++)
    g_assert_true (isfinite (a[i]));
  for (gsize i = 0; i < 3 * 28; i++)
    g_assert_true (isfinite (b[i]));
}

/* Digital silence without dither floors every mel energy at FLT_EPSILON (the ill-conditioned
 * case of MFCC.md); the log energy is floored the same way, or by energy_floor when set. */
static void
test_mfcc_silence_floors (void)
{
  g_autoptr (CepMfcc) mfcc = new_mfcc (set_energy);
  g_autofree float *zeros = g_new0 (float, 1600);
  g_autofree float *fbank = NULL;
  gsize n_frames;

  fbank = compute (mfcc, TRUE, zeros, 1600, &n_frames);
  g_assert_cmpuint (n_frames, ==, 8);
  for (gsize i = 0; i < n_frames * 41; i++)
    g_assert_cmpfloat_with_epsilon (fbank[i], logf (FLT_EPSILON), 1e-5);
}

static void
set_energy_floor (CepMfccOptions *o)
{
  o->use_energy = TRUE;
  o->energy_floor = 100.0;
}

static void
test_mfcc_energy_floor (void)
{
  g_autoptr (CepMfcc) mfcc = new_mfcc (set_energy_floor);
  g_autofree float *zeros = g_new0 (float, 800);
  g_autofree float *features = NULL;
  gsize n_frames;

  features = compute (mfcc, FALSE, zeros, 800, &n_frames);
  for (gsize t = 0; t < n_frames; t++)
    g_assert_cmpfloat_with_epsilon (features[t * 28], log (100.0), 1e-5);
}

static void
set_dither (CepMfccOptions *o)
{
  o->dither = 1.0;
}

/* Dither lifts silence off the floor, is reproducible (counter-based noise), and leaves strong
 * mel bands nearly alone. The change is dominated by the cross term 2 Re (S conj (D)), so it
 * shrinks like the amplitude ratio: a band holding e^20 moves by well under 1%. */
static void
test_mfcc_dither (void)
{
  g_autoptr (CepMfcc) dithered = new_mfcc (set_dither);
  g_autoptr (CepMfcc) plain = new_mfcc (set_defaults);
  gsize n, n_frames;
  g_autofree float *samples = audio_test_load_fixture_wav ("chirp-16k-mono.wav", &n);
  g_autofree float *zeros = g_new0 (float, 1600);
  g_autofree float *silence = compute (dithered, TRUE, zeros, 1600, &n_frames);
  g_autofree float *a = compute (dithered, TRUE, samples, 8000, &n_frames);
  g_autofree float *b = compute (dithered, TRUE, samples, 8000, &n_frames);
  g_autofree float *clean = compute (plain, TRUE, samples, 8000, &n_frames);
  double change = 0.0;
  gsize n_strong = 0;

  for (gsize i = 0; i < 8 * 40; i++)
    g_assert_cmpfloat (silence[i], >, logf (FLT_EPSILON) + 5.0f);
  g_assert_cmpmem (a, n_frames * 40 * sizeof (float), b, n_frames * 40 * sizeof (float));
  g_assert_cmpfloat (audio_test_max_abs_error (a, clean, n_frames * 40), >, 0.0);
  for (gsize i = 0; i < n_frames * 40; i++)
    if (clean[i] > 20.0f)
      {
        change = MAX (change, fabs (a[i] - clean[i]));
        n_strong++;
      }
  g_test_message ("dither 1.0 moves %zu strong bands by at most %.3g", n_strong, change);
  g_assert_cmpuint (n_strong, >, 50);
  g_assert_cmpfloat (change, <, 1e-2);
}

/* A CepMfcc keeps scratch state; reusing it, and interleaving fbank and MFCC calls, must give
 * the same numbers as a fresh one. */
static void
test_mfcc_reuse (void)
{
  g_autoptr (CepMfcc) mfcc = new_mfcc (set_defaults);
  g_autoptr (CepMfcc) fresh = new_mfcc (set_defaults);
  gsize n, n_frames, n_fbank;
  g_autofree float *samples = audio_test_load_fixture_wav ("chirp-16k-mono.wav", &n);
  g_autofree float *first = compute (mfcc, FALSE, samples, n, &n_frames);
  g_autofree float *fbank = compute (mfcc, TRUE, samples + 1000, 5000, &n_fbank);
  g_autofree float *again = compute (mfcc, FALSE, samples, n, &n_frames);
  g_autofree float *fresh_fbank = compute (fresh, TRUE, samples + 1000, 5000, &n_fbank);
  gsize mfcc_bytes = n_frames * 28 * sizeof (float), fbank_bytes = n_fbank * 40 * sizeof (float);

  g_assert_cmpmem (first, mfcc_bytes, again, mfcc_bytes);
  g_assert_cmpmem (fbank, fbank_bytes, fresh_fbank, fbank_bytes);
}

/* Features are linear-in-log: scaling the signal by 2 adds log 4 to every log mel energy. */
static void
test_mfcc_fbank_scale (void)
{
  g_autoptr (CepMfcc) mfcc = new_mfcc (set_defaults);
  gsize n, n_frames;
  g_autofree float *samples = audio_test_load_fixture_wav ("chirp-16k-mono.wav", &n);
  g_autofree float *doubled = g_new (float, n);
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;

  for (gsize i = 0; i < n; i++)
    doubled[i] = 2.0f * samples[i];
  a = compute (mfcc, TRUE, samples, n, &n_frames);
  b = compute (mfcc, TRUE, doubled, n, &n_frames);
  for (gsize i = 0; i < n_frames * 40; i++)
    g_assert_cmpfloat_with_epsilon (b[i] - a[i], log (4.0), 1e-4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (golden_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mfcc/torchaudio/%s", golden_cases[i].golden);

      g_test_add_data_func (path, &golden_cases[i], test_mfcc_matches_torchaudio);
    }
  g_test_add_func ("/mfcc/options-defaults", test_mfcc_options_defaults);
  g_test_add_func ("/mfcc/framing", test_mfcc_framing);
  g_test_add_func ("/mfcc/rejects-bad-options", test_mfcc_rejects_bad_options);
  g_test_add_func ("/mfcc/too-short", test_mfcc_too_short);
  g_test_add_func ("/mfcc/single-frame", test_mfcc_single_frame);
  g_test_add_func ("/mfcc/silence-floors", test_mfcc_silence_floors);
  g_test_add_func ("/mfcc/energy-floor", test_mfcc_energy_floor);
  g_test_add_func ("/mfcc/dither", test_mfcc_dither);
  g_test_add_func ("/mfcc/reuse", test_mfcc_reuse);
  g_test_add_func ("/mfcc/fbank-scale", test_mfcc_fbank_scale);
  return g_test_run ();
}
