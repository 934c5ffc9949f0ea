/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-json-writer.h: a small streaming JSON writer for the files Cepstra writes by hand.
 *
 * Exists because json-glib 1.6's generator prints doubles with %.17g and appends ".0" after an
 * exponent ("1e-08.0", which is not JSON). This writer prints every double in the shortest form
 * that reads back to the same value (0.35, 1e-08, 1.0), escapes strings, and indents with two
 * spaces (or writes one compact line, for metrics.jsonl). Reading stays with json-glib.
 *
 * It must not know any Cepstra format: callers decide the members and their order.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CepJsonWriter CepJsonWriter;

/* @pretty: members on their own lines indented by two spaces; otherwise one line. */
CepJsonWriter *cep_json_writer_new          (gboolean        pretty);
void           cep_json_writer_free         (CepJsonWriter  *writer);
/* The text written so far (a complete document once every container is closed), plus a
 * final newline when pretty; frees the writer. */
char          *cep_json_writer_finish       (CepJsonWriter  *writer);

/* Inline containers keep their items on one line even when pretty (shapes, betas, one
 * object per line in a list); containers nested in an inline one are inline too. */
void           cep_json_writer_begin_object (CepJsonWriter  *writer);
void           cep_json_writer_begin_inline_object (CepJsonWriter *writer);
void           cep_json_writer_end_object   (CepJsonWriter  *writer);
void           cep_json_writer_begin_array  (CepJsonWriter  *writer,
                                             gboolean        inline_array);
void           cep_json_writer_end_array    (CepJsonWriter  *writer);

/* Names the next value inside an object. */
void           cep_json_writer_member       (CepJsonWriter  *writer,
                                             const char     *name);
/* NULL writes null. @value must be UTF-8. */
void           cep_json_writer_string       (CepJsonWriter  *writer,
                                             const char     *value);
/* Non-finite values have no JSON form and are written as null. */
void           cep_json_writer_double       (CepJsonWriter  *writer,
                                             double          value);
void           cep_json_writer_int          (CepJsonWriter  *writer,
                                             gint64          value);
void           cep_json_writer_uint         (CepJsonWriter  *writer,
                                             guint64         value);
void           cep_json_writer_boolean      (CepJsonWriter  *writer,
                                             gboolean        value);
void           cep_json_writer_null         (CepJsonWriter  *writer);
/* A complete JSON value written by another writer (pretty, two-space indent; a final newline
 * is dropped), as the next value: its lines are indented to where it lands, so a document
 * can hold another (an assignment's experiment.json) and still read as one. Line breaks in
 * @json must only be whitespace between tokens, as this writer's are. */
void           cep_json_writer_embed        (CepJsonWriter  *writer,
                                             const char     *json);

/* The shortest decimal text that strtod reads back as @value, always with a '.' or an
 * exponent so readers keep it a floating-point number ("1.0", "0.35", "1e-08"). Writes into
 * @buffer of G_ASCII_DTOSTR_BUF_SIZE bytes; non-finite values give "null". */
const char    *cep_json_format_double       (double          value,
                                             char           *buffer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepJsonWriter, cep_json_writer_free)

G_END_DECLS
