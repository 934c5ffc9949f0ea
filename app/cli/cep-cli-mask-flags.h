/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-mask-flags.h: the SpecAugment mask options that `batches` and `train` share
 * (--freq-masks, --freq-width-min/max, --time-masks, --time-width-min/max, --mask-prob,
 * --mask-per-batch). Any of them turns masks on; core checks the result
 * (cep_augment_spec_validate).
 */
#pragma once

#include <glib.h>

#include "cep-augment.h"
#include "cep-cli-number.h"

G_BEGIN_DECLS

typedef struct
{
  int       freq_masks;
  int       freq_width_min;
  int       freq_width_max;
  int       time_masks;
  int       time_width_min;
  int       time_width_max;
  double    probability;
  gboolean  per_batch;
  char     *texts[7];   /* the numeric flags as given, until cep_cli_mask_flags_parse() */
} CepCliMaskFlags;

/* Every flag "not given". */
void     cep_cli_mask_flags_init        (CepCliMaskFlags       *flags);
/* Appends the GOptionEntry of every flag (pointing into @flags) to @entries. */
void     cep_cli_mask_flags_add_entries (CepCliMaskFlags       *flags,
                                         GArray                *entries);
void     cep_cli_mask_flags_clear       (CepCliMaskFlags       *flags);
/* Checks the numbers given (a usage error names the flag and its range). */
gboolean cep_cli_mask_flags_parse       (CepCliMaskFlags       *flags,
                                         GError               **error);
gboolean cep_cli_mask_flags_any         (const CepCliMaskFlags *flags);
/* The flags given into @spec; with any of them the masks are on. */
void     cep_cli_mask_flags_apply       (const CepCliMaskFlags *flags,
                                         CepAugmentSpec        *spec);

G_END_DECLS
