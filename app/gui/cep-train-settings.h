/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-settings.h: the training part of the session's experiment as a GObject — one
 * property per setting (optimizer, lr, weight-decay, momentum, clip, schedule, warmup-steps,
 * step-size, gamma, t-max, factor, patience, batch-size, epochs, subset-percent, seed, and
 * SpecAugment's augment, freq-masks-max, freq-width-min/-max, time-masks-max,
 * time-width-min/-max, mask-probability, per-batch), each notified when it changes, whoever
 * changed it.
 *
 * The Train page binds its form rows to these properties, the Data page its mask controls (g_object_bind_property), so no row
 * is written by hand from the experiment and no page guards against its own echo; a row can
 * be hidden or made insensitive by binding its "visible"/"sensitive" to the property it edits
 * or to another (the momentum row shows for SGD only). The experiment struct stays the one
 * place the values live: setting a property writes it and emits the session's
 * "experiment-changed"; a change made elsewhere (another page, a run's settings) notifies the
 * properties. Enumerations are their CepExperiment*Kind values, seed a guint64. The backend
 * and its device are set together (cep_train_settings_set_backend()): a device belongs to one
 * backend, so neither is a property of its own.
 */
#pragma once

#include <glib-object.h>

#include "cep-session.h"

G_BEGIN_DECLS

#define CEP_TYPE_TRAIN_SETTINGS (cep_train_settings_get_type ())
G_DECLARE_FINAL_TYPE (CepTrainSettings, cep_train_settings, CEP, TRAIN_SETTINGS, GObject)

CepTrainSettings *cep_train_settings_new         (CepSession       *session);
CepSession       *cep_train_settings_get_session (CepTrainSettings *self);
/* The backend and device runs train on (@device NULL: the backend's default); one
 * "experiment-changed" when either differs from the experiment's. */
void              cep_train_settings_set_backend (CepTrainSettings *self,
                                                  const char       *backend,
                                                  const char       *device);

/* The experiment.json path of @property ("epochs": "train.epochs"), and in @scale how many
 * of the property's units make one of the setting's (100 for subset-percent); NULL for a
 * property that is not a setting. What a row asks the assignment about (cep-rule-row.h). */
const char       *cep_train_settings_get_path    (const char       *property,
                                                  double           *scale);

G_END_DECLS
