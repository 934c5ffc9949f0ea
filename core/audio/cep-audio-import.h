/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-audio-import.h: turning audio files into an HW1P2-style partition.
 *
 * For each audio file NAME.{wav,flac,ogg} writes mfcc/NAME.npy (float32, T x num_ceps). When an
 * alignment NAME.lab (or NAME.tsv) sits next to it -- Audacity label-track lines
 * "start<TAB>end<TAB>PHONEME" in seconds -- also writes transcript/NAME.npy ('<U5':
 * [SOS], T labels, [EOS]), labelling frame t by the segment covering its centre sample.
 *
 * Alignment rules: fields are separated by tabs or spaces; blank lines, '#' comments and
 * Audacity's spectral-selection lines (starting with '\') are skipped; segments are
 * half-open [start, end), must come in time order and must not overlap; labels are looked up
 * in the phoneme table (aliases allowed, stored under their canonical name) and must be
 * target classes. A frame whose centre no segment covers is an error naming the file and the
 * frame -- it is not labelled silence, since a table need not have a silence class and a gap
 * usually means the labels do not belong to the audio.
 */
#pragma once

#include <gio/gio.h>

#include "cep-mfcc.h"
#include "cep-phoneme-table.h"

G_BEGIN_DECLS

/* Features of one file at options->sample_rate (resampled as needed). Returns T x num_ceps
 * floats (g_free). */
float    *cep_audio_compute_mfcc_file   (const char            *path,
                                         const CepMfccOptions  *options,
                                         gsize                 *n_frames,
                                         GError               **error);

/* Frame labels from an alignment file: returns n_frames class-symbol strings (g_strfreev)
 * following the centre-sample rule (frame geometry from @options); errors
 * (CEP_AUDIO_ERROR_ALIGNMENT, or G_FILE_ERROR when unreadable) name the file and line. */
char    **cep_audio_read_alignment      (const char            *path,
                                         const CepMfccOptions  *options,
                                         gsize                  n_frames,
                                         CepPhonemeTable       *table,
                                         GError               **error);

/* Writes mfcc/ (and transcript/ where alignments exist) under @partition_dir for every audio
 * file in @audio_dir (sorted bytewise; hidden files skipped). @table may be NULL: HW1P2's.
 * Checks @cancellable before each file and calls @progress after each. Fails on the first
 * bad file (files already written stay), on a folder without audio, and on two audio files
 * with one name stem. */
gboolean  cep_audio_import_folder       (const char            *audio_dir,
                                         const char            *partition_dir,
                                         const CepMfccOptions  *options,
                                         CepPhonemeTable       *table,
                                         GCancellable          *cancellable,
                                         void                 (*progress) (gsize done,
                                                                           gsize total,
                                                                           gpointer data),
                                         gpointer               progress_data,
                                         GError               **error);

G_END_DECLS
