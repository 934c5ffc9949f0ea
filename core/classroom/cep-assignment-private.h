/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-assignment-private.h: what an assignment holds, shared by its reader, writer and rules.
 */
#pragma once

#include "cep-assignment.h"

G_BEGIN_DECLS

typedef struct
{
  char     *path;
  gboolean  has_min;
  double    min;
  gboolean  has_max;
  double    max;
} CepAssignmentBound;

typedef struct
{
  char  *path;     /* a choice or text setting (an object's "type" stored as its own path) */
  GStrv  values;
} CepAssignmentAllowed;

struct _CepAssignment
{
  grefcount            ref_count;
  char                *title;
  char                *instructions;
  CepExperiment       *experiment;
  char                *dataset_name;
  char                *dataset_fingerprint;
  CepAssignmentMetric  metric;
  gboolean             has_seed;
  guint64              seed;
  GStrv                locked;          /* never NULL */
  GStrv                hidden;          /* never NULL */
  GArray              *bounds;          /* of CepAssignmentBound */
  GArray              *allowed;         /* of CepAssignmentAllowed */
  GStrv                allowed_blocks;  /* NULL: every kind */
  /* The file as read or written; dropped by any change, and made again from the JSON. */
  GBytes              *bytes;
  char                *hash;
  char                *path;
};

/* Forgets the bytes and hash after a change. */
void  _cep_assignment_changed (CepAssignment *assignment);

/* Checks the starting experiment against the rules: "NAME: the starting experiment breaks
 * its own rule: …" (CEP_ASSIGNMENT_ERROR_INVALID). */
gboolean _cep_assignment_check_own_experiment (CepAssignment *assignment,
                                               const char    *name,
                                               GError       **error);

/* A number as people and the file write it: "10", "2000000", "0.5". */
char *_cep_assignment_format_number (double value);

G_END_DECLS
