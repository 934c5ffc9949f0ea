/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-signal.h: the acoustic touches the demo recipe adds to espeak-ng's output.
 *
 * espeak-ng writes digital zeros between words and only ~12 ms before the first phoneme, so
 * silent frames would all be one constant vector. The recipe prepends a seeded 100-250 ms of
 * silence and adds a seeded Gaussian noise floor 35-50 dB under the speech RMS. Everything
 * random comes from the counter-based RNG (stream CEP_RNG_STREAM_DEMO) keyed by the
 * utterance's seed, so a manifest row is enough to redo an utterance.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double lead_in_min_ms;   /* 100 */
  double lead_in_max_ms;   /* 250 */
  double noise_min_db;     /* 35: noise floor this far under the speech RMS, at least */
  double noise_max_db;     /* 50 */
} CepDemoSignalOptions;

/* The draws of one utterance. */
typedef struct
{
  gint64 lead_in;          /* samples of silence to prepend */
  double noise_db;         /* noise floor under the speech RMS */
} CepDemoSignalParams;

void   cep_demo_signal_options_init  (CepDemoSignalOptions        *options);
/* Lead-in and noise level of the utterance with @seed at @sample_rate. */
void   cep_demo_signal_draw_params   (const CepDemoSignalOptions  *options,
                                      guint64                      seed,
                                      guint                        sample_rate,
                                      CepDemoSignalParams         *params);
/* RMS of @samples over the spans (GArray of CepDemoSpan) not labelled [SIL]; 0 if none. */
double cep_demo_signal_speech_rms    (const gint16                *samples,
                                      gsize                        n_samples,
                                      GArray                      *spans);
/* @n_samples + params->lead_in floats (g_free): the lead-in, then @samples, plus Gaussian
 * noise of standard deviation @speech_rms * 10^(-noise_db / 20) drawn with @seed. */
float *cep_demo_signal_assemble      (const gint16                *samples,
                                      gsize                        n_samples,
                                      const CepDemoSignalParams   *params,
                                      double                       speech_rms,
                                      guint64                      seed);
/* Standard normal numbers from the demo stream of @seed, @n of them into @out. */
void   cep_demo_signal_gaussian      (guint64                      seed,
                                      double                      *out,
                                      gsize                        n);

G_END_DECLS
