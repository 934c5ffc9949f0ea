/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * audio-test-util.c: golden loading and WAV writing for the audio tests.
 */
#include "audio-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <string.h>

#include "cep-npy.h"

char *
audio_test_fixture_path (const char *name)
{
  return g_build_filename (CEP_AUDIO_FIXTURES, name, NULL);
}

float *
audio_test_load_golden (const char *name,
                        gsize      *n_rows,
                        gsize      *n_cols)
{
  g_autofree char *path = audio_test_fixture_path (name);
  g_autoptr (GError) error = NULL;
  g_autoptr (CepNpy) npy = cep_npy_open (path, &error);
  float *data;

  g_assert_no_error (error);
  g_assert_true (cep_npy_get_matrix_shape (npy, n_rows, n_cols, &error));
  g_assert_no_error (error);
  data = g_new (float, MAX (cep_npy_get_n_elements (npy), 1));
  g_assert_true (cep_npy_read_float32 (npy, data, &error));
  g_assert_no_error (error);
  return data;
}

float *
audio_test_load_fixture_wav (const char *name,
                             gsize      *n_samples)
{
  g_autofree char *path = audio_test_fixture_path (name);
  g_autofree char *contents = NULL;
  gsize length, n_frames;
  guint16 channels;
  float *mono;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 44);
  g_assert_true (memcmp (contents, "RIFF", 4) == 0 && memcmp (contents + 36, "data", 4) == 0);
  memcpy (&channels, contents + 22, 2);
  channels = GUINT16_FROM_LE (channels);
  g_assert_cmpuint (channels, >=, 1);
  n_frames = (length - 44) / (2 * channels);
  mono = g_new (float, n_frames);
  for (gsize i = 0; i < n_frames; i++)
    {
      double sum = 0.0;

      for (guint c = 0; c < channels; c++)
        {
          gint16 sample;

          memcpy (&sample, contents + 44 + 2 * (i * channels + c), 2);
          sum += GINT16_FROM_LE (sample);
        }
      mono[i] = (float) (sum / channels);
    }
  *n_samples = n_frames;
  return mono;
}

double
audio_test_max_abs_error (const float *a,
                          const float *b,
                          gsize        n)
{
  double worst = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      double d = fabs ((double) a[i] - (double) b[i]);

      /* NaN must fail, not hide behind MAX. */
      worst = isnan (d) ? INFINITY : MAX (worst, d);
    }
  return worst;
}

void
audio_test_write_wav (const char   *path,
                      const gint16 *frames,
                      gsize         n_frames,
                      int           channels,
                      int           rate)
{
  SF_INFO info = { 0 };
  SNDFILE *file;

  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  file = sf_open (path, SFM_WRITE, &info);
  g_assert_nonnull (file);
  if (n_frames > 0)
    g_assert_cmpint (sf_writef_short (file, frames, (sf_count_t) n_frames), ==, n_frames);
  g_assert_cmpint (sf_close (file), ==, 0);
}

gint16 *
audio_test_make_tone (gsize   n_samples,
                      int     rate,
                      guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  gint16 *samples = g_new (gint16, MAX (n_samples, 1));

  for (gsize i = 0; i < n_samples; i++)
    {
      double t = (double) i / rate;
      double x = 5000.0 * sin (2.0 * G_PI * (300.0 + 900.0 * t) * t)
                 + g_rand_double_range (rand, -200.0, 200.0);

      samples[i] = (gint16) lround (x);
    }
  g_rand_free (rand);
  return samples;
}

void
audio_test_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            audio_test_remove_tree (child);
          else
            g_assert_cmpint (g_remove (child), ==, 0);
        }
      g_dir_close (dir);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}
