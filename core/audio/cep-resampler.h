/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-resampler.h: band-limited resampling between integer rates.
 *
 * Windowed-sinc (Hann) polyphase filter with the parameters of the reference
 * (torchaudio.functional.resample: lowpass_filter_width 6, rolloff 0.99), so features computed
 * from 22.05 kHz or 44.1 kHz files match the reference pipeline.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CepResampler CepResampler;

CepResampler *cep_resampler_new           (guint          from_rate,
                                           guint          to_rate);
void          cep_resampler_free          (CepResampler  *self);
/* Output length for @n_in input samples (as the reference: ceil(n_in * to / from)). */
gsize         cep_resampler_get_n_output  (CepResampler  *self,
                                           gsize          n_in);
/* Resamples a whole signal; @out holds cep_resampler_get_n_output (n_in) floats. */
void          cep_resampler_process       (CepResampler  *self,
                                           const float   *in,
                                           gsize          n_in,
                                           float         *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepResampler, cep_resampler_free)

G_END_DECLS
