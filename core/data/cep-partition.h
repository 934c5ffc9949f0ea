/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-partition.h: one partition of a dataset (e.g. train-clean-100), loaded into memory.
 *
 * Owns the frame store of DESIGN.md: every utterance normalized (optional per-utterance CMVN)
 * and laid out in one float32 block, each utterance surrounded by context_max zero frames, so
 * the context window of any frame for any K <= context_max is one contiguous span of
 * (2K+1)*D floats. Also owns the labels (class ids, one per frame), the per-utterance CMVN
 * statistics (so raw values can be shown again) and the report of skipped files.
 *
 * A loaded partition is immutable and safe to share between threads.
 */
#pragma once

#include <gio/gio.h>

#include "cep-phoneme-table.h"

G_BEGIN_DECLS

#define CEP_PARTITION_ERROR (cep_partition_error_quark ())
GQuark cep_partition_error_quark (void);

typedef enum
{
  CEP_PARTITION_ERROR_NOT_FOUND,        /* folder or mfcc/ missing */
  CEP_PARTITION_ERROR_EMPTY,            /* no utterances (left) */
  CEP_PARTITION_ERROR_FILE,             /* an .npy file could not be read (wraps CepNpyError) */
  CEP_PARTITION_ERROR_FEATURES,         /* feature file is not a 2-D numeric array */
  CEP_PARTITION_ERROR_FEATURE_DIM,      /* feature dimension differs from the other files */
  CEP_PARTITION_ERROR_NON_FINITE,       /* NaN or Inf in the features */
  CEP_PARTITION_ERROR_EMPTY_UTTERANCE,  /* zero frames */
  CEP_PARTITION_ERROR_MISSING_PARTNER,  /* mfcc without transcript or the reverse */
  CEP_PARTITION_ERROR_LABEL_COUNT,      /* transcript length differs from the frame count */
  CEP_PARTITION_ERROR_UNKNOWN_PHONEME,  /* a symbol not in the phoneme table */
  CEP_PARTITION_ERROR_TRANSCRIPT,       /* transcript has a bad dtype/shape or id out of range */
  CEP_PARTITION_ERROR_DUPLICATE,        /* two files map to the same utterance name */
  CEP_PARTITION_ERROR_CANCELLED,
} CepPartitionError;

typedef enum
{
  CEP_LOAD_POLICY_FAIL,   /* the first bad file fails the whole load */
  CEP_LOAD_POLICY_SKIP,   /* bad files are skipped and reported */
} CepLoadPolicy;

typedef struct
{
  gboolean          normalize;     /* per-utterance CMVN (default TRUE) */
  guint             context_max;   /* zero frames around utterances = the largest K (default 30) */
  CepLoadPolicy     policy;        /* default CEP_LOAD_POLICY_FAIL */
  CepPhonemeTable  *table;         /* NULL = HW1P2 default */
  gboolean          require_labels;/* TRUE: a partition without transcript/ is an error */
} CepLoadOptions;

void cep_load_options_init (CepLoadOptions *options);

/* One skipped file: which file, and the error that made the loader skip it. */
typedef struct
{
  char   *file;     /* path relative to the partition folder, e.g. "mfcc/84-121123-0001.npy" */
  char   *reason;   /* full message, naming the file */
  GQuark  domain;
  int     code;
} CepSkippedFile;

/* Progress: called from the loading thread with files done / total. May be NULL. */
typedef void (*CepProgressFunc) (gsize done, gsize total, gpointer user_data);

#define CEP_TYPE_PARTITION (cep_partition_get_type ())
G_DECLARE_FINAL_TYPE (CepPartition, cep_partition, CEP, PARTITION, GObject)

/* Loads @folder (options NULL = defaults). Files are "mfcc/NAME.npy" (any case of ".npy",
 * names starting with '.' ignored) paired with "transcript/NAME.npy" when transcript/ exists;
 * utterances in file-name order (strcmp). Names equal after case folding are duplicates
 * (CEP_PARTITION_ERROR_DUPLICATE). Under CEP_LOAD_POLICY_FAIL the error is the first problem
 * in that order; messages read "PARTITION/FILE: problem". Transcript positions in messages
 * index the file's array. @progress is called on the calling thread. */
CepPartition   *cep_partition_load                (const char            *folder,
                                                   const CepLoadOptions  *options,
                                                   GCancellable          *cancellable,
                                                   CepProgressFunc        progress,
                                                   gpointer               progress_data,
                                                   GError               **error);

/* Folder base name, e.g. "dev-clean". */
const char     *cep_partition_get_name            (CepPartition *self);
const char     *cep_partition_get_folder          (CepPartition *self);
gboolean        cep_partition_is_labelled         (CepPartition *self);
gboolean        cep_partition_is_normalized       (CepPartition *self);
guint           cep_partition_get_feature_dim     (CepPartition *self);
guint           cep_partition_get_context_max     (CepPartition *self);
guint           cep_partition_get_n_utterances    (CepPartition *self);
gsize           cep_partition_get_n_frames        (CepPartition *self);
CepPhonemeTable*cep_partition_get_phoneme_table   (CepPartition *self);

/* Utterances are sorted by name; frames are numbered 0..n_frames-1 across utterances. */
const char     *cep_partition_get_utterance_name  (CepPartition *self,
                                                   guint         utterance);
gsize           cep_partition_get_utterance_start (CepPartition *self,
                                                   guint         utterance);
gsize           cep_partition_get_utterance_length(CepPartition *self,
                                                   guint         utterance);
/* Index of the utterance holding global @frame (binary search). */
guint           cep_partition_find_utterance      (CepPartition *self,
                                                   gsize         frame);
/* Index of the utterance called @name, or -1. */
int             cep_partition_lookup_utterance    (CepPartition *self,
                                                   const char   *name);

/* The D floats of global @frame in the (normalized) store. */
const float    *cep_partition_get_frame           (CepPartition *self,
                                                   gsize         frame);
/* Start of the context window of @frame with @past <= context_max frames before it: for a
 * window of F <= context_max future frames, (past+F+1)*D contiguous floats, zeros where the
 * window passes the utterance edges. */
const float    *cep_partition_get_window          (CepPartition *self,
                                                   gsize         frame,
                                                   guint         past);
/* The whole padded store, for code that keeps it elsewhere (a device): @n_rows (may be NULL)
 * frames of D floats — context_max zero frames, utterance 0, context_max zero frames,
 * utterance 1, ..., context_max zero frames. */
const float    *cep_partition_get_store           (CepPartition *self,
                                                   gsize        *n_rows);
/* The store row of global @frame: the window of @frame with P past and F future frames is
 * rows [row - P, row + F]. */
gsize           cep_partition_get_store_row       (CepPartition *self,
                                                   gsize         frame);
/* Per-utterance CMVN statistics (D floats each); raw = normalized * stddev + mean.
 * Population statistics over time; the stddev is floored at 1e-5 (CEP_CMVN_STDDEV_FLOOR) so a
 * constant coefficient normalizes to 0, not NaN. Means 0 and stddevs 1 when the partition is
 * not normalized. */
const float    *cep_partition_get_utterance_mean  (CepPartition *self,
                                                   guint         utterance);
const float    *cep_partition_get_utterance_stddev(CepPartition *self,
                                                   guint         utterance);

/* Class id of every frame (n_frames entries), or NULL if unlabelled. */
const guint8   *cep_partition_get_labels          (CepPartition *self);
/* @counts has cep_phoneme_table_get_n_classes() entries. */
void            cep_partition_get_class_counts    (CepPartition *self,
                                                   guint64      *counts);

/* Files skipped under CEP_LOAD_POLICY_SKIP (array of CepSkippedFile*), in the order the
 * problems were found: pairing problems (duplicates, missing partners) in file order, then
 * header problems, then content problems. One entry per file at fault; a transcript dropped
 * only because its features were bad is not listed. Never NULL. */
GPtrArray      *cep_partition_get_skipped         (CepPartition *self);

/* Bytes of the frame store (for memory accounting). */
gsize           cep_partition_get_store_size      (CepPartition *self);

G_END_DECLS
