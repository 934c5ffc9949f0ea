/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-audio-file.h: loading audio files (WAV, FLAC, OGG/Vorbis, anything libsndfile reads).
 *
 * Decodes, downmixes to mono (channel mean) and resamples to the requested rate. Samples are
 * returned in int16 scale (full scale = 32768), the scale Kaldi's tools compute MFCCs on.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_AUDIO_ERROR (cep_audio_error_quark ())
GQuark cep_audio_error_quark (void);

typedef enum
{
  CEP_AUDIO_ERROR_OPEN,        /* missing, unreadable or not a recognised audio file */
  CEP_AUDIO_ERROR_READ,        /* decoding failed part-way */
  CEP_AUDIO_ERROR_EMPTY,       /* no samples */
  CEP_AUDIO_ERROR_FORMAT,      /* unsupported rate/channels */
  CEP_AUDIO_ERROR_ALIGNMENT,   /* alignment (label) file problems */
} CepAudioError;

typedef struct
{
  float *samples;       /* mono, int16 scale */
  gsize  n_samples;
  guint  sample_rate;
  guint  source_rate;   /* rate of the file before resampling */
  guint  source_channels;
} CepAudio;

/* @target_rate 0 keeps the file's own rate. */
CepAudio *cep_audio_load (const char  *path,
                          guint        target_rate,
                          GError     **error);
void      cep_audio_free (CepAudio    *audio);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepAudio, cep_audio_free)

G_END_DECLS
