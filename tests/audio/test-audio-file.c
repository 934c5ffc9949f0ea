/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-audio-file.c: cep_audio_load: formats, scale, channel mean, resampling, and the errors
 * for missing, non-audio, empty and folder paths.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>

#include "audio-test-util.h"
#include "cep-audio-file.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cepstra-audio-file-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  audio_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
temp_path (Fixture    *fixture,
           const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static CepAudio *
load_ok (const char *path,
         guint       rate)
{
  g_autoptr (GError) error = NULL;
  CepAudio *audio = cep_audio_load (path, rate, &error);

  g_assert_no_error (error);
  g_assert_nonnull (audio);
  return audio;
}

static void
expect_error (const char *path,
              int         code)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (cep_audio_load (path, 16000, &error));
  g_assert_error (error, CEP_AUDIO_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
}

/* 16-bit samples come back exactly, in int16 scale. */
static void
test_audio_load_int16_exact (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *path = temp_path (fixture, "ramp.wav");
  gint16 frames[] = { 0, 1, -1, 32767, -32768, 12345, -54 };
  g_autoptr (CepAudio) audio = NULL;

  audio_test_write_wav (path, frames, G_N_ELEMENTS (frames), 1, 16000);
  audio = load_ok (path, 0);
  g_assert_cmpuint (audio->n_samples, ==, G_N_ELEMENTS (frames));
  g_assert_cmpuint (audio->sample_rate, ==, 16000);
  g_assert_cmpuint (audio->source_rate, ==, 16000);
  g_assert_cmpuint (audio->source_channels, ==, 1);
  for (gsize i = 0; i < G_N_ELEMENTS (frames); i++)
    g_assert_cmpfloat (audio->samples[i], ==, (float) frames[i]);
}

/* Stereo becomes the channel mean, before any resampling. */
static void
test_audio_load_stereo_mean (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *path = temp_path (fixture, "stereo.wav");
  gint16 frames[] = { 100, 300, -7, 8, 32767, 32767, -32768, 32767 };
  float expected[] = { 200.0f, 0.5f, 32767.0f, -0.5f };
  g_autoptr (CepAudio) audio = NULL;

  audio_test_write_wav (path, frames, 4, 2, 22050);
  audio = load_ok (path, 0);
  g_assert_cmpuint (audio->source_channels, ==, 2);
  g_assert_cmpuint (audio->n_samples, ==, 4);
  for (gsize i = 0; i < 4; i++)
    g_assert_cmpfloat (audio->samples[i], ==, expected[i]);
}

/* The committed stereo 22.05 kHz fixture, loaded at 16 kHz, is torchaudio's resampling of
 * its channel mean. */
static void
test_audio_load_resamples (void)
{
  g_autofree char *path = audio_test_fixture_path ("chirp-22k-stereo.wav");
  g_autoptr (CepAudio) audio = load_ok (path, 16000);
  gsize rows, cols;
  g_autofree float *golden = audio_test_load_golden ("resample-22050-16000.npy", &rows, &cols);
  double error;

  g_assert_cmpuint (audio->source_rate, ==, 22050);
  g_assert_cmpuint (audio->source_channels, ==, 2);
  g_assert_cmpuint (audio->sample_rate, ==, 16000);
  g_assert_cmpuint (audio->n_samples, ==, rows);
  error = audio_test_max_abs_error (audio->samples, golden, rows);
  g_test_message ("22050 Hz stereo -> 16000 Hz: max abs error %.3g", error);
  g_assert_cmpfloat (error, <, 0.01);
}

/* FLAC (lossless) decodes to the same samples as the WAV it was made from. */
static void
test_audio_load_flac_matches_wav (void)
{
  g_autofree char *wav_path = audio_test_fixture_path ("chirp-16k-mono.wav");
  g_autofree char *flac_path = audio_test_fixture_path ("chirp-16k-mono.flac");
  g_autoptr (CepAudio) wav = load_ok (wav_path, 16000);
  g_autoptr (CepAudio) flac = load_ok (flac_path, 16000);

  g_assert_cmpuint (wav->n_samples, ==, 32000);
  g_assert_cmpuint (flac->n_samples, ==, wav->n_samples);
  g_assert_cmpmem (flac->samples, flac->n_samples * sizeof (float),
                   wav->samples, wav->n_samples * sizeof (float));
}

/* Float WAVs use the same scale: full scale 1.0 becomes 32768. */
static void
test_audio_load_float_wav_scale (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *path = temp_path (fixture, "float.wav");
  float frames[] = { 0.5f, -0.25f, 1.0f };
  SF_INFO info = { .samplerate = 8000, .channels = 1,
                   .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  g_autoptr (CepAudio) audio = NULL;

  g_assert_nonnull (file);
  g_assert_cmpint (sf_writef_float (file, frames, 3), ==, 3);
  sf_close (file);
  audio = load_ok (path, 0);
  g_assert_cmpfloat (audio->samples[0], ==, 16384.0f);
  g_assert_cmpfloat (audio->samples[1], ==, -8192.0f);
  g_assert_cmpfloat (audio->samples[2], ==, 32768.0f);
}

/* Ogg/Vorbis is lossy: the decoded tone keeps its length and roughly its level. */
static void
test_audio_load_ogg (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = temp_path (fixture, "tone.ogg");
  SF_INFO info = { .samplerate = 16000, .channels = 1,
                   .format = SF_FORMAT_OGG | SF_FORMAT_VORBIS };
  g_autofree gint16 *tone = audio_test_make_tone (16000, 16000, 9);
  g_autoptr (CepAudio) audio = NULL;
  double energy_in = 0.0, energy_out = 0.0;
  SNDFILE *file;

  if (!sf_format_check (&info))
    {
      g_test_skip ("libsndfile was built without Ogg/Vorbis");
      return;
    }
  file = sf_open (path, SFM_WRITE, &info);
  g_assert_nonnull (file);
  g_assert_cmpint (sf_writef_short (file, tone, 16000), ==, 16000);
  sf_close (file);
  audio = load_ok (path, 16000);
  g_assert_cmpuint (audio->n_samples, ==, 16000);
  for (gsize i = 0; i < 16000; i++)
    {
      energy_in += (double) tone[i] * tone[i];
      energy_out += (double) audio->samples[i] * audio->samples[i];
    }
  g_assert_cmpfloat (fabs (energy_out / energy_in - 1.0), <, 0.1);
}

static void
test_audio_load_missing (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = temp_path (fixture, "missing.wav");

  expect_error (path, CEP_AUDIO_ERROR_OPEN);
}

static void
test_audio_load_not_audio (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = temp_path (fixture, "notes.wav");

  g_assert_true (g_file_set_contents (path, "these are notes, not audio\n", -1, NULL));
  expect_error (path, CEP_AUDIO_ERROR_OPEN);
}

static void
test_audio_load_empty (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *header_only = temp_path (fixture, "empty.wav");
  g_autofree char *zero_bytes = temp_path (fixture, "zero.wav");

  audio_test_write_wav (header_only, NULL, 0, 1, 16000);
  expect_error (header_only, CEP_AUDIO_ERROR_EMPTY);
  g_assert_true (g_file_set_contents (zero_bytes, "", 0, NULL));
  expect_error (zero_bytes, CEP_AUDIO_ERROR_OPEN);
}

static void
test_audio_load_folder (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = temp_path (fixture, "folder.wav");

  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  expect_error (path, CEP_AUDIO_ERROR_OPEN);
}

/* A WAV cut short mid-stream: libsndfile reads what is there; the header's frame count is not
 * trusted, so the samples that exist come back. */
static void
test_audio_load_truncated (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = temp_path (fixture, "cut.wav");
  g_autofree gint16 *tone = audio_test_make_tone (1000, 16000, 4);
  g_autofree char *contents = NULL;
  g_autoptr (CepAudio) audio = NULL;
  gsize length;

  audio_test_write_wav (path, tone, 1000, 1, 16000);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length - 600, NULL));
  audio = load_ok (path, 0);
  g_assert_cmpuint (audio->n_samples, ==, 700);
  for (gsize i = 0; i < 700; i++)
    g_assert_cmpfloat (audio->samples[i], ==, (float) tone[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/audio-file/int16-exact", test_audio_load_int16_exact);
  ADD ("/audio-file/stereo-mean", test_audio_load_stereo_mean);
  ADD ("/audio-file/float-wav-scale", test_audio_load_float_wav_scale);
  ADD ("/audio-file/ogg", test_audio_load_ogg);
  ADD ("/audio-file/missing", test_audio_load_missing);
  ADD ("/audio-file/not-audio", test_audio_load_not_audio);
  ADD ("/audio-file/empty", test_audio_load_empty);
  ADD ("/audio-file/folder", test_audio_load_folder);
  ADD ("/audio-file/truncated", test_audio_load_truncated);
#undef ADD
  g_test_add_func ("/audio-file/resamples", test_audio_load_resamples);
  g_test_add_func ("/audio-file/flac-matches-wav", test_audio_load_flac_matches_wav);
  return g_test_run ();
}
