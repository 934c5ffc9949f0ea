/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backend-choice.h: what a user can train on here — every backend that opens on this
 * machine, a device backend once per usable device — as the Train page's backend list and
 * `cepstra-cli backends` show it.
 */
#pragma once

#include "cep-backend.h"

G_BEGIN_DECLS

typedef struct
{
  char *backend;       /* a cep_backend_new() name */
  char *device;        /* CepBackendOptions.device that picks it (an index); NULL: CPU */
  char *device_name;   /* what the driver calls the device; NULL: CPU */
  char *description;   /* cep_backend_get_description() of it, opened */
} CepBackendChoice;

void        cep_backend_choice_free  (CepBackendChoice *choice);

/* The choices in cep_backend_list_available() order (blas first), each opened once to prove
 * it works here and to describe it; one that does not open is left out and logged with
 * g_debug. Probes drivers and starts thread pools: call it off the main thread. */
GPtrArray  *cep_backend_list_choices (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepBackendChoice, cep_backend_choice_free)

G_END_DECLS
