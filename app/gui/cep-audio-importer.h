/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-audio-importer.h: audio files chosen in the GUI become a partition to look at.
 *
 * The files (and an Audacity alignment NAME.lab or NAME.tsv beside each, when present) are
 * linked into a private folder, imported by core (cep_audio_import_folder: resampling and
 * Kaldi MFCCs) and loaded back with cep_partition_load, so the Data page shows them exactly as
 * training would see them. Runs as a cancellable GTask; the private folder is removed
 * afterwards (the partition lives in memory).
 */
#pragma once

#include <gio/gio.h>

#include "cep-partition.h"

G_BEGIN_DECLS

/* @paths: absolute paths of WAV/FLAC/OGG files. */
void          cep_audio_importer_import_async  (const char * const  *paths,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* The imported partition (labelled only when every file had an alignment). */
CepPartition *cep_audio_importer_import_finish (GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
