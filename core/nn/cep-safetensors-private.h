/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-safetensors-private.h: what the safetensors reader, header parser and writer share.
 */
#pragma once

#include "cep-safetensors.h"

G_BEGIN_DECLS

/* The parsed header: tensors sorted by their data offset, metadata by key. */
typedef struct
{
  GPtrArray  *tensors;      /* of CepSafetensor*, names owned by the array's elements */
  GHashTable *metadata;     /* key -> value, both owned */
  gsize       data_start;   /* 8 + header length */
} CepSafetensorsHeader;

void     _cep_safetensors_set_error    (GError                **error,
                                        CepSafetensorsError     code,
                                        const char             *name,
                                        const char             *format,
                                        ...) G_GNUC_PRINTF (4, 5);

/* Parses and validates the header of a whole-file image of @size bytes; on success the
 * tensors' data pointers point into @bytes. */
gboolean _cep_safetensors_header_parse (CepSafetensorsHeader   *header,
                                        const guint8           *bytes,
                                        gsize                   size,
                                        const char             *name,
                                        GError                **error);
void     _cep_safetensors_header_clear (CepSafetensorsHeader   *header);

/* Looks up a dtype by its header spelling ("F32"); FALSE for an unknown one. */
gboolean _cep_safetensors_dtype_from_string (const char          *text,
                                             CepSafetensorsDtype *dtype);

/* Writes the whole file image to @fd (the writer's second half, open for tests that need a
 * device such as /dev/full); @name is used in messages. */
gboolean _cep_safetensors_writer_write_fd   (CepSafetensorsWriter *writer,
                                             int                   fd,
                                             const char           *name,
                                             GError              **error);

G_END_DECLS
