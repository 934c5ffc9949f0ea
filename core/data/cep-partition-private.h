/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-partition-private.h: what the files implementing CepPartition share (private to
 * core/data).
 *
 * cep-partition.c owns the object and its accessors and assembles a load;
 * cep-partition-scan.c lists and pairs the files; cep-partition-read.c reads one utterance
 * (features and transcript) into its place in the store.
 */
#pragma once

#include "cep-partition.h"

G_BEGIN_DECLS

/* One utterance to load: an mfcc file and its transcript, in file-name order. */
typedef struct
{
  char     *name;             /* utterance name: the file name without ".npy" */
  char     *mfcc_file;        /* file name inside mfcc/ */
  char     *transcript_file;  /* file name inside transcript/, NULL if unlabelled */
  gsize     n_frames;         /* from the header pass */
  guint     dim;
  gsize     first_frame;      /* global index of frame 0 in the store, before compaction */
  guint     slot;             /* utterance index in the store, before compaction */
  /* Why the utterance is dropped (NULL while it is fine), and the file at fault relative to
   * the partition folder. */
  GError   *error;
  char     *fault_file;
} CepPartitionEntry;

/* Everything one load works with; shared read-only by the loader threads except for the
 * entries, each of which only its claiming thread touches. */
typedef struct
{
  char            *folder;
  char            *name;          /* folder base name, the prefix of every message */
  gboolean         labelled;
  CepLoadOptions   options;
  CepPhonemeTable *table;
  GPtrArray       *entries;       /* CepPartitionEntry*, file-name order */
  GPtrArray       *skipped;       /* CepSkippedFile*, in the order problems were found */
  guint            dim;
  float           *store;         /* see cep-partition.h for the layout */
  float           *means;         /* per slot, dim floats */
  float           *stddevs;
  guint8          *labels;        /* per global frame, NULL if unlabelled */
} CepPartitionLoad;

void     _cep_partition_entry_free        (CepPartitionEntry        *entry);
void     _cep_skipped_file_free           (CepSkippedFile           *skipped);

/* Marks @entry dropped with a message "PARTITION/FILE: problem". */
G_GNUC_PRINTF (5, 6)
void     _cep_partition_entry_fail        (const CepPartitionLoad   *load,
                                           CepPartitionEntry        *entry,
                                           CepPartitionError         code,
                                           const char               *file,
                                           const char               *format,
                                           ...);
/* The same for an error from the npy reader (CEP_PARTITION_ERROR_FILE); the reader's own
 * path prefix is replaced by "PARTITION/FILE". */
void     _cep_partition_entry_fail_npy    (const CepPartitionLoad   *load,
                                           CepPartitionEntry        *entry,
                                           const char               *file,
                                           const GError             *npy_error);
/* Appends a skipped-file record; takes nothing. */
void     _cep_partition_load_add_skipped  (CepPartitionLoad         *load,
                                           const char               *file,
                                           const GError             *error);

/* Lists mfcc/ (and transcript/ when present) and pairs them into load->entries. Pairing
 * problems (duplicates, missing partners) go to load->skipped; the entries they concern are
 * left out. FALSE only for problems with the folder itself. */
gboolean _cep_partition_scan              (CepPartitionLoad         *load,
                                           GError                  **error);

/* Header pass: checks the feature file's shape and dtype and records n_frames and dim. */
gboolean _cep_partition_read_header       (CepPartitionLoad         *load,
                                           CepPartitionEntry        *entry);
/* Data pass: features into the store (normalized), labels into load->labels. */
gboolean _cep_partition_read_utterance    (CepPartitionLoad         *load,
                                           CepPartitionEntry        *entry);

G_END_DECLS
