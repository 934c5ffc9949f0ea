/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-mfcc-options.h: the MFCC options shared by `features` and `import`.
 */
#pragma once

#include <glib.h>

#include "cep-mfcc.h"

G_BEGIN_DECLS

typedef struct
{
  double   sample_rate;
  double   frame_length_ms;
  double   frame_shift_ms;
  int      num_mel_bins;
  int      num_ceps;
  double   low_freq;
  double   high_freq;
  double   preemphasis;
  double   lifter;
  char    *window;
  gboolean use_energy;
  gboolean no_snip_edges;
  gboolean no_remove_dc;
} CepCliMfccOptions;

/* Fills @self with the library defaults. */
void          cep_cli_mfcc_options_init    (CepCliMfccOptions  *self);
/* Appends the option entries to @entries (a GArray of GOptionEntry). */
void          cep_cli_mfcc_options_add     (CepCliMfccOptions  *self,
                                            GArray             *entries);
/* Converts to library options; FALSE with a message for a bad value (e.g. unknown window). */
gboolean      cep_cli_mfcc_options_resolve (CepCliMfccOptions  *self,
                                            CepMfccOptions     *options,
                                            GError            **error);
void          cep_cli_mfcc_options_clear   (CepCliMfccOptions  *self);

G_END_DECLS
