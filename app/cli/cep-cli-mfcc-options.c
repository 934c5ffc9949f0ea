/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-mfcc-options.c: one set of MFCC flags for every command that computes features.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli-mfcc-options.h"

#include <glib/gi18n.h>

static const struct
{
  const char    *name;
  CepWindowType  type;
} window_names[] = {
  { "povey", CEP_WINDOW_POVEY },
  { "hanning", CEP_WINDOW_HANNING },
  { "hamming", CEP_WINDOW_HAMMING },
  { "rectangular", CEP_WINDOW_RECTANGULAR },
  { "blackman", CEP_WINDOW_BLACKMAN },
};

void
cep_cli_mfcc_options_init (CepCliMfccOptions *self)
{
  CepMfccOptions defaults;

  cep_mfcc_options_init (&defaults);
  *self = (CepCliMfccOptions) {
    .sample_rate = defaults.sample_rate,
    .frame_length_ms = defaults.frame_length_ms,
    .frame_shift_ms = defaults.frame_shift_ms,
    .num_mel_bins = (int) defaults.num_mel_bins,
    .num_ceps = (int) defaults.num_ceps,
    .low_freq = defaults.low_freq,
    .high_freq = defaults.high_freq,
    .preemphasis = defaults.preemph_coeff,
    .lifter = defaults.cepstral_lifter,
  };
}

static void
add_entry (GArray     *entries,
           const char *long_name,
           GOptionArg  arg,
           gpointer    data,
           const char *description,
           const char *arg_description)
{
  GOptionEntry entry = { long_name, 0, 0, arg, data, description, arg_description };

  g_array_append_val (entries, entry);
}

void
cep_cli_mfcc_options_add (CepCliMfccOptions *self,
                          GArray            *entries)
{
  add_entry (entries, "sample-rate", G_OPTION_ARG_DOUBLE, &self->sample_rate,
             N_("Resample to this rate before analysis (default 16000)"), "HZ");
  add_entry (entries, "frame-length", G_OPTION_ARG_DOUBLE, &self->frame_length_ms,
             N_("Frame length (default 25)"), "MS");
  add_entry (entries, "frame-shift", G_OPTION_ARG_DOUBLE, &self->frame_shift_ms,
             N_("Frame shift (default 10)"), "MS");
  add_entry (entries, "num-mel-bins", G_OPTION_ARG_INT, &self->num_mel_bins,
             N_("Mel filters (default 40)"), "N");
  add_entry (entries, "num-ceps", G_OPTION_ARG_INT, &self->num_ceps,
             N_("Cepstral coefficients kept (default 28)"), "N");
  add_entry (entries, "low-freq", G_OPTION_ARG_DOUBLE, &self->low_freq,
             N_("Lowest filterbank frequency (default 20)"), "HZ");
  add_entry (entries, "high-freq", G_OPTION_ARG_DOUBLE, &self->high_freq,
             N_("Highest filterbank frequency; 0 = Nyquist, negative = offset from Nyquist"),
             "HZ");
  add_entry (entries, "preemphasis", G_OPTION_ARG_DOUBLE, &self->preemphasis,
             N_("Pre-emphasis coefficient (default 0.97)"), "C");
  add_entry (entries, "lifter", G_OPTION_ARG_DOUBLE, &self->lifter,
             N_("Cepstral lifter (default 22; 0 = none)"), "L");
  add_entry (entries, "window", G_OPTION_ARG_STRING, &self->window,
             N_("povey (default), hanning, hamming, rectangular or blackman"), "TYPE");
  add_entry (entries, "use-energy", G_OPTION_ARG_NONE, &self->use_energy,
             N_("Replace C0 by the log energy"), NULL);
  add_entry (entries, "no-snip-edges", G_OPTION_ARG_NONE, &self->no_snip_edges,
             N_("Kaldi's reflected edge frames instead of whole frames only"), NULL);
  add_entry (entries, "no-remove-dc", G_OPTION_ARG_NONE, &self->no_remove_dc,
             N_("Keep each frame's DC offset"), NULL);
}

static gboolean
resolve_window (const char     *name,
                CepWindowType  *type,
                GError        **error)
{
  if (name == NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (window_names); i++)
    if (g_str_equal (name, window_names[i].name))
      {
        *type = window_names[i].type;
        return TRUE;
      }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("unknown window “%s” (povey, hanning, hamming, rectangular, blackman)"),
               name);
  return FALSE;
}

gboolean
cep_cli_mfcc_options_resolve (CepCliMfccOptions  *self,
                              CepMfccOptions     *options,
                              GError            **error)
{
  cep_mfcc_options_init (options);
  if (self->num_mel_bins <= 0 || self->num_ceps <= 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--num-mel-bins and --num-ceps must be positive"));
      return FALSE;
    }
  options->sample_rate = self->sample_rate;
  options->frame_length_ms = self->frame_length_ms;
  options->frame_shift_ms = self->frame_shift_ms;
  options->num_mel_bins = (guint) self->num_mel_bins;
  options->num_ceps = (guint) self->num_ceps;
  options->low_freq = self->low_freq;
  options->high_freq = self->high_freq;
  options->preemph_coeff = self->preemphasis;
  options->cepstral_lifter = self->lifter;
  options->use_energy = self->use_energy;
  options->snip_edges = !self->no_snip_edges;
  options->remove_dc_offset = !self->no_remove_dc;
  if (!resolve_window (self->window, &options->window_type, error))
    return FALSE;
  /* Constructing the extractor validates every combination in one place. */
  g_autoptr(CepMfcc) probe = cep_mfcc_new (options, error);
  return probe != NULL;
}

void
cep_cli_mfcc_options_clear (CepCliMfccOptions *self)
{
  g_clear_pointer (&self->window, g_free);
}
