/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-mfcc.h: Kaldi-compatible log-mel filterbank and MFCC features.
 *
 * Reproduces Kaldi's compute-mfcc-feats / torchaudio.compliance.kaldi (see
 * shared/reference/MFCC.md): per-frame DC removal, pre-emphasis, povey window, power spectrum,
 * mel filterbank, log, DCT-II (orthonormal), cepstral lifter. A CepMfcc holds the precomputed
 * window, filterbank and DCT for one set of options and is safe to use from one thread at a time.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_MFCC_ERROR (cep_mfcc_error_quark ())
GQuark cep_mfcc_error_quark (void);

typedef enum
{
  CEP_MFCC_ERROR_OPTIONS,    /* inconsistent options (num_ceps > num_mel_bins, bad freqs...) */
  CEP_MFCC_ERROR_TOO_SHORT,  /* signal shorter than one frame */
} CepMfccError;

typedef enum
{
  CEP_WINDOW_POVEY,
  CEP_WINDOW_HANNING,
  CEP_WINDOW_HAMMING,
  CEP_WINDOW_RECTANGULAR,
  CEP_WINDOW_BLACKMAN,
} CepWindowType;

typedef struct
{
  double        sample_rate;        /* 16000 */
  double        frame_length_ms;    /* 25 */
  double        frame_shift_ms;     /* 10 */
  guint         num_mel_bins;       /* 40 */
  guint         num_ceps;           /* 28 */
  double        low_freq;           /* 20 */
  double        high_freq;          /* 0: Nyquist; negative: Nyquist + high_freq */
  double        preemph_coeff;      /* 0.97 */
  gboolean      remove_dc_offset;   /* TRUE */
  CepWindowType window_type;        /* povey */
  gboolean      round_to_power_of_two; /* TRUE */
  gboolean      use_energy;         /* FALSE: keep C0 */
  gboolean      raw_energy;         /* TRUE */
  double        energy_floor;       /* 0 */
  double        cepstral_lifter;    /* 22 */
  gboolean      snip_edges;         /* TRUE */
  double        dither;             /* 0; dither noise is counter-based per frame, so even
                                       dithered features are reproducible */
} CepMfccOptions;

void      cep_mfcc_options_init     (CepMfccOptions        *options);

typedef struct _CepMfcc CepMfcc;

CepMfcc  *cep_mfcc_new              (const CepMfccOptions  *options,
                                     GError               **error);
void      cep_mfcc_free             (CepMfcc               *self);
const CepMfccOptions *cep_mfcc_get_options (CepMfcc        *self);

/* Frame length and shift in samples (truncated like Kaldi: int (rate * ms / 1000)). */
gsize     cep_mfcc_get_frame_length (CepMfcc               *self);
gsize     cep_mfcc_get_frame_shift  (CepMfcc               *self);
/* Number of frames for @n_samples samples (0 when too short). A signal must hold at least one
 * frame length in both framings (as in the reference); with snip_edges off there are then
 * (n + shift / 2) / shift frames and the ends are reflected (Kaldi's convention). */
gsize     cep_mfcc_get_n_frames     (CepMfcc               *self,
                                     gsize                  n_samples);
/* Index of the first sample of @frame: frame * shift, or frame * shift + shift / 2 -
 * length / 2 (possibly negative) with snip_edges off. */
gint64    cep_mfcc_get_frame_start  (CepMfcc               *self,
                                     gsize                  frame);
/* Columns of cep_mfcc_compute_fbank(): num_mel_bins, plus one (the log energy, first) with
 * use_energy. */
guint     cep_mfcc_get_fbank_dim    (CepMfcc               *self);
/* MFCCs: returns n_frames x num_ceps floats (g_free), C order. With use_energy, C0 is replaced
 * by the log energy (floored by energy_floor when it is positive). */
float    *cep_mfcc_compute          (CepMfcc               *self,
                                     const float           *samples,
                                     gsize                  n_samples,
                                     gsize                 *n_frames,
                                     GError               **error);
/* Log-mel filterbank energies: n_frames x cep_mfcc_get_fbank_dim() floats (g_free). */
float    *cep_mfcc_compute_fbank    (CepMfcc               *self,
                                     const float           *samples,
                                     gsize                  n_samples,
                                     gsize                 *n_frames,
                                     GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepMfcc, cep_mfcc_free)

G_END_DECLS
