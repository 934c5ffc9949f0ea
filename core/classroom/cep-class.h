/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-class.h: the teacher's side — a folder of hand-ins verified and put side by side.
 *
 * cep_class_open() opens every *.cepstra-handin in a folder (cep-handin.h: hashes against the
 * manifest, the archive never extracted outside a private temporary folder), checks each
 * against the assignment (the teacher's when given, else the one it names: its hash, its
 * rules on the experiment as written and as trained), and re-measures the metric: the
 * hand-in's checkpoint is evaluated on the teacher's copy of the dev partition with the
 * evaluation code training uses (cep_network_evaluate), and the result held against what
 * its metrics.jsonl claims. A hand-in that cannot be opened, or breaks anything, is a row
 * with flags and the reasons in words; it never stops the others. The dev partition is
 * loaded once (as wide as the widest context) and shared; hand-ins are evaluated side by
 * side, one CPU thread each.
 *
 * What is claimed is the metric of the epoch whose checkpoint was handed in (the best dev
 * accuracy, as training keeps it). Dev metrics are re-measured; training metrics are shown
 * as claimed (training accuracy is a mean over an epoch of a changing model, which nothing
 * can measure again) and never flagged.
 *
 * It must not write anywhere but the hand-ins' temporary folders, and the CSV it is asked
 * to write.
 */
#pragma once

#include <gio/gio.h>

#include "cep-assignment.h"
#include "cep-handin.h"
#include "cep-partition.h"

G_BEGIN_DECLS

#define CEP_CLASS_ERROR (cep_class_error_quark ())
GQuark cep_class_error_quark (void);

typedef enum
{
  CEP_CLASS_ERROR_NO_FOLDER,    /* the folder cannot be listed */
  CEP_CLASS_ERROR_DATASET,      /* the dataset or its dev partition cannot be loaded */
} CepClassError;

/* Why a row needs the teacher's eyes; a row can have several. */
typedef enum
{
  CEP_CLASS_FLAG_NONE               = 0,
  CEP_CLASS_FLAG_UNREADABLE         = 1 << 0,  /* not a hand-in, damaged, truncated, hostile */
  CEP_CLASS_FLAG_TAMPERED           = 1 << 1,  /* a file changed after handing in */
  CEP_CLASS_FLAG_OTHER_ASSIGNMENT   = 1 << 2,  /* answers another assignment, or none */
  CEP_CLASS_FLAG_RULE_BROKEN        = 1 << 3,
  CEP_CLASS_FLAG_NOT_REPRODUCED     = 1 << 4,  /* the re-measured metric is not the claimed */
  CEP_CLASS_FLAG_DUPLICATE_STUDENT  = 1 << 5,
  CEP_CLASS_FLAG_NOT_MEASURED       = 1 << 6,  /* the checkpoint could not be evaluated */
} CepClassFlags;

/* The flag's name in CSV and JSON ("rule-broken"), one bit only. */
const char *cep_class_flag_get_name (CepClassFlags flag);

typedef struct
{
  char          *file;             /* the hand-in's file name (in the folder) */
  char          *path;
  char          *student;          /* NULL when not even the manifest could be read */
  char          *assignment_title; /* NULL: none */
  char          *model;            /* the experiment's display name or the model's summary */
  guint64        parameters;
  /* Key hyperparameters as trained (0, NaN or NULL when unreadable). */
  char          *optimizer;
  double         lr;
  guint          batch_size;
  guint          epochs;           /* asked for */
  guint          epochs_done;      /* in metrics.jsonl */
  guint          context_past;
  guint          context_future;
  char          *metric;           /* "dev_accuracy", … */
  double         claimed;          /* NaN when unknown */
  double         measured;         /* NaN when not re-measured */
  double         training_seconds; /* NaN when unknown */
  CepClassFlags  flags;
  GStrv          reasons;          /* one sentence per problem, in the order found */
  CepHandin     *handin;           /* NULL when it could not be opened; the run's files live
                                    * as long as the class */
} CepClassRow;

typedef struct
{
  const char    *dataset;      /* the teacher's dataset; NULL = the embedded demo dataset */
  const char    *partition;    /* NULL = the dataset's dev partition */
  CepAssignment *assignment;   /* NULL: each hand-in's own (all must name the same one) */
  double         tolerance;    /* |claimed − measured| allowed; <= 0: the default */
  guint          threads;      /* hand-ins evaluated at once; 0 = one per processor */
} CepClassOptions;

/* An accuracy reproduces within half a percentage point: the same checkpoint on the same
 * frames differs only by the order of float sums (other threads, another backend). */
#define CEP_CLASS_DEFAULT_TOLERANCE 0.005

void cep_class_options_init (CepClassOptions *options);

typedef struct _CepClass CepClass;

/* Progress: @done of @total steps (opening each hand-in, loading the partition, evaluating
 * each), called from the calling thread and from worker threads, never at once. */
CepClass          *cep_class_open        (const char             *folder,
                                          const CepClassOptions  *options,
                                          GCancellable           *cancellable,
                                          CepProgressFunc         progress,
                                          gpointer                progress_data,
                                          GError                **error);
void               cep_class_free        (CepClass               *self);

/* Rows sorted by student, then file. */
guint              cep_class_get_n_rows  (CepClass               *self);
const CepClassRow *cep_class_get_row     (CepClass               *self,
                                          guint                   index);
/* The dev partition it re-measured on ("dev-clean"). */
const char        *cep_class_get_partition_name (CepClass        *self);
/* The rows with at least one flag. */
guint              cep_class_count_flagged (CepClass             *self);

/* The table as CSV text, one row per hand-in: "file,student,assignment,model,parameters,
 * optimizer,lr,batch_size,epochs,epochs_done,context_past,context_future,metric,claimed,
 * measured,training_seconds,flags,reasons" (flags joined by ';', reasons by ' | '; empty
 * cells for unknown values). */
char              *cep_class_to_csv      (CepClass               *self);
/* cep_class_to_csv(), written atomically to @path. */
gboolean           cep_class_write_csv   (CepClass               *self,
                                          const char             *path,
                                          GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepClass, cep_class_free)

G_END_DECLS
