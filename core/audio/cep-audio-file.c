/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-audio-file.c: decoding with libsndfile, channel mean, int16 scale, resampling.
 *
 * libsndfile returns floats normalised to full scale 1.0 for every format, so multiplying by
 * 32768 gives back exactly the int16 values of a 16-bit file (and the same scale for 24-bit,
 * float and compressed files). The channel mean is taken in double before rounding to float.
 *
 * It must not compute features or know about datasets.
 */
#define G_LOG_DOMAIN "cepstra-audio"

#include "cep-audio-file.h"

#include <sndfile.h>
#include <string.h>

#include "cep-resampler.h"

G_DEFINE_QUARK (cep-audio-error-quark, cep_audio_error)

#define CEP_AUDIO_INT16_SCALE 32768.0
#define CEP_AUDIO_READ_CHUNK 16384   /* frames per sf_readf_float call */
#define CEP_AUDIO_MAX_CHANNELS 1024

void
cep_audio_free (CepAudio *audio)
{
  if (audio == NULL)
    return;
  g_free (audio->samples);
  g_free (audio);
}

static SNDFILE *
audio_open (const char  *path,
            SF_INFO     *info,
            GError     **error)
{
  SNDFILE *file;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_OPEN, "%s: no such file", path);
      return NULL;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_OPEN,
                   "%s: is a folder, not an audio file", path);
      return NULL;
    }
  memset (info, 0, sizeof *info);
  file = sf_open (path, SFM_READ, info);
  if (file == NULL)
    g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_OPEN,
                 "%s: not a readable audio file (%s)", path, sf_strerror (NULL));
  return file;
}

static gboolean
audio_check_format (const char     *path,
                    const SF_INFO  *info,
                    GError        **error)
{
  if (info->channels < 1 || info->channels > CEP_AUDIO_MAX_CHANNELS)
    {
      g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_FORMAT,
                   "%s: unsupported channel count %d", path, info->channels);
      return FALSE;
    }
  if (info->samplerate < 1)
    {
      g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_FORMAT,
                   "%s: invalid sample rate %d Hz", path, info->samplerate);
      return FALSE;
    }
  return TRUE;
}

/* Appends the channel mean of @n_frames interleaved frames, in int16 scale. */
static void
append_mono (GArray      *mono,
             const float *interleaved,
             gsize        n_frames,
             int          channels)
{
  gsize old_len = mono->len;
  float *dest;

  g_array_set_size (mono, old_len + n_frames);
  dest = &g_array_index (mono, float, old_len);
  for (gsize i = 0; i < n_frames; i++)
    {
      const float *frame = interleaved + i * channels;
      double sum = 0.0;

      for (int c = 0; c < channels; c++)
        sum += frame[c];
      dest[i] = (float) (sum / channels * CEP_AUDIO_INT16_SCALE);
    }
}

/* Reads until end of file; the frame count in the header is not trusted (it can be absent or
 * wrong for streamed and damaged files). */
static GArray *
audio_read_mono (SNDFILE     *file,
                 const char  *path,
                 int          channels,
                 GError     **error)
{
  GArray *mono = g_array_new (FALSE, FALSE, sizeof (float));
  float *chunk = g_new (float, (gsize) CEP_AUDIO_READ_CHUNK * channels);
  sf_count_t n_read;

  while ((n_read = sf_readf_float (file, chunk, CEP_AUDIO_READ_CHUNK)) > 0)
    append_mono (mono, chunk, (gsize) n_read, channels);
  g_free (chunk);
  if (sf_error (file) != SF_ERR_NO_ERROR)
    {
      g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_READ,
                   "%s: decoding failed after %u samples (%s)", path, mono->len,
                   sf_strerror (file));
      g_array_free (mono, TRUE);
      return NULL;
    }
  return mono;
}

static void
audio_resample (CepAudio *audio,
                guint     target_rate)
{
  g_autoptr (CepResampler) resampler = cep_resampler_new (audio->sample_rate, target_rate);
  gsize n_out = cep_resampler_get_n_output (resampler, audio->n_samples);
  float *out = g_new (float, MAX (n_out, 1));

  cep_resampler_process (resampler, audio->samples, audio->n_samples, out);
  g_free (audio->samples);
  audio->samples = out;
  audio->n_samples = n_out;
  audio->sample_rate = target_rate;
}

CepAudio *
cep_audio_load (const char  *path,
                guint        target_rate,
                GError     **error)
{
  SF_INFO info;
  SNDFILE *file;
  GArray *mono;
  CepAudio *audio;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = audio_open (path, &info, error);
  if (file == NULL)
    return NULL;
  if (!audio_check_format (path, &info, error))
    {
      sf_close (file);
      return NULL;
    }
  mono = audio_read_mono (file, path, info.channels, error);
  sf_close (file);
  if (mono == NULL)
    return NULL;
  if (mono->len == 0)
    {
      g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_EMPTY, "%s: no audio samples", path);
      g_array_free (mono, TRUE);
      return NULL;
    }

  audio = g_new0 (CepAudio, 1);
  audio->n_samples = mono->len;
  audio->samples = (float *) (void *) g_array_free (mono, FALSE);
  audio->sample_rate = (guint) info.samplerate;
  audio->source_rate = (guint) info.samplerate;
  audio->source_channels = (guint) info.channels;
  if (target_rate != 0 && target_rate != audio->sample_rate)
    audio_resample (audio, target_rate);
  return audio;
}
