/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-mask-flags.c: the SpecAugment mask options of `batches` and `train`.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli-mask-flags.h"

#include <glib/gi18n.h>

void
cep_cli_mask_flags_init (CepCliMaskFlags *flags)
{
  *flags = (CepCliMaskFlags) {
    .freq_masks = -1, .freq_width_min = -1, .freq_width_max = -1, .time_masks = -1,
    .time_width_min = -1, .time_width_max = -1, .probability = -1,
  };
}

/* Widths are in frames or coefficients: far below 100,000 in any dataset. */
#define WIDTH_MAX 100000
#define SPEC(name, field, help, arg) \
  { name, help, arg, TRUE, G_STRUCT_OFFSET (CepCliMaskFlags, field), 0, WIDTH_MAX, FALSE, FALSE }

static const CepCliNumberSpec specs[] = {
  SPEC ("freq-masks", freq_masks, N_("Most frequency bands masked (turns masks on)"), "N"),
  SPEC ("freq-width-min", freq_width_min, N_("Narrowest frequency band"), "W"),
  SPEC ("freq-width-max", freq_width_max, N_("Widest frequency band"), "W"),
  SPEC ("time-masks", time_masks, N_("Most time bands masked (turns masks on)"), "M"),
  SPEC ("time-width-min", time_width_min, N_("Shortest time band"), "W"),
  SPEC ("time-width-max", time_width_max, N_("Longest time band"), "W"),
  { "mask-prob", N_("Chance that a sample is masked (default 1)"), "P", FALSE,
    G_STRUCT_OFFSET (CepCliMaskFlags, probability), 0, 1, FALSE, FALSE },
};
#undef SPEC

G_STATIC_ASSERT (G_N_ELEMENTS (specs) == G_N_ELEMENTS (((CepCliMaskFlags *) NULL)->texts));

void
cep_cli_mask_flags_add_entries (CepCliMaskFlags *flags,
                                GArray          *entries)
{
  const GOptionEntry per_batch = {
    "mask-per-batch", 0, 0, G_OPTION_ARG_NONE, &flags->per_batch,
    N_("One mask for the whole batch (as the seed notebook)"), NULL,
  };

  cep_cli_number_add_entries (specs, G_N_ELEMENTS (specs), flags->texts, entries);
  g_array_append_val (entries, per_batch);
}

void
cep_cli_mask_flags_clear (CepCliMaskFlags *flags)
{
  cep_cli_number_clear_texts (flags->texts, G_N_ELEMENTS (flags->texts));
}

gboolean
cep_cli_mask_flags_parse (CepCliMaskFlags  *flags,
                          GError          **error)
{
  return cep_cli_number_parse_specs (specs, G_N_ELEMENTS (specs), flags->texts, flags, error);
}

gboolean
cep_cli_mask_flags_any (const CepCliMaskFlags *flags)
{
  return flags->freq_masks >= 0 || flags->time_masks >= 0 || flags->freq_width_min >= 0
         || flags->freq_width_max >= 0 || flags->time_width_min >= 0
         || flags->time_width_max >= 0 || flags->probability >= 0 || flags->per_batch;
}

void
cep_cli_mask_flags_apply (const CepCliMaskFlags *flags,
                          CepAugmentSpec        *spec)
{
  if (cep_cli_mask_flags_any (flags))
    spec->enabled = TRUE;
  if (flags->freq_masks >= 0) spec->freq_masks_max = (guint) flags->freq_masks;
  if (flags->freq_width_min >= 0) spec->freq_width_min = (guint) flags->freq_width_min;
  if (flags->freq_width_max >= 0) spec->freq_width_max = (guint) flags->freq_width_max;
  if (flags->time_masks >= 0) spec->time_masks_max = (guint) flags->time_masks;
  if (flags->time_width_min >= 0) spec->time_width_min = (guint) flags->time_width_min;
  if (flags->time_width_max >= 0) spec->time_width_max = (guint) flags->time_width_max;
  if (flags->probability >= 0) spec->probability = flags->probability;
  if (flags->per_batch) spec->per_batch = TRUE;
}
