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
  double        dither;             /* 0 (no dither: deterministic features) */
} CepMfccOptions;

void      cep_mfcc_options_init     (CepMfccOptions        *options);

typedef struct _CepMfcc CepMfcc;

CepMfcc  *cep_mfcc_new              (const CepMfccOptions  *options,
                                     GError               **error);
void      cep_mfcc_free             (CepMfcc               *self);
const CepMfccOptions *cep_mfcc_get_options (CepMfcc        *self);

/* Number of frames for @n_samples samples (0 when too short). */
gsize     cep_mfcc_get_n_frames     (CepMfcc               *self,
                                     gsize                  n_samples);
/* MFCCs: returns n_frames x num_ceps floats (g_free), C order. */
float    *cep_mfcc_compute          (CepMfcc               *self,
                                     const float           *samples,
                                     gsize                  n_samples,
                                     gsize                 *n_frames,
                                     GError               **error);
/* Log-mel filterbank energies: n_frames x num_mel_bins floats (g_free). */
float    *cep_mfcc_compute_fbank    (CepMfcc               *self,
                                     const float           *samples,
                                     gsize                  n_samples,
                                     gsize                 *n_frames,
                                     GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepMfcc, cep_mfcc_free)

G_END_DECLS
