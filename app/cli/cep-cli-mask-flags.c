/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-mask-flags.c: the SpecAugment mask options of `batches` and `train`.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli-mask-flags.h"

void
cep_cli_mask_flags_init (CepCliMaskFlags *flags)
{
  *flags = (CepCliMaskFlags) {
    .freq_masks = -1, .freq_width_min = -1, .freq_width_max = -1, .time_masks = -1,
    .time_width_min = -1, .time_width_max = -1, .probability = -1,
  };
}

void
cep_cli_mask_flags_add_entries (CepCliMaskFlags *flags,
                                GArray          *entries)
{
  const GOptionEntry added[] = {
    { "freq-masks", 0, 0, G_OPTION_ARG_INT, &flags->freq_masks,
      "Most frequency bands masked (turns masks on)", "N" },
    { "freq-width-min", 0, 0, G_OPTION_ARG_INT, &flags->freq_width_min,
      "Narrowest frequency band", "W" },
    { "freq-width-max", 0, 0, G_OPTION_ARG_INT, &flags->freq_width_max,
      "Widest frequency band", "W" },
    { "time-masks", 0, 0, G_OPTION_ARG_INT, &flags->time_masks,
      "Most time bands masked (turns masks on)", "M" },
    { "time-width-min", 0, 0, G_OPTION_ARG_INT, &flags->time_width_min,
      "Shortest time band", "W" },
    { "time-width-max", 0, 0, G_OPTION_ARG_INT, &flags->time_width_max,
      "Longest time band", "W" },
    { "mask-prob", 0, 0, G_OPTION_ARG_DOUBLE, &flags->probability,
      "Chance that a sample is masked (default 1)", "P" },
    { "mask-per-batch", 0, 0, G_OPTION_ARG_NONE, &flags->per_batch,
      "One mask for the whole batch (as the seed notebook)", NULL },
  };

  g_array_append_vals (entries, added, G_N_ELEMENTS (added));
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
