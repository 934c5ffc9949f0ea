/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-json-input.h: the one way untrusted JSON reaches json-glib.
 *
 * json-glib parses recursively, so a file of a hundred thousand '[' overflows the stack
 * before any check of ours runs. Every JSON text Cepstra reads from a file (experiment.json,
 * a safetensors header and the experiment and state embedded in it, each line of
 * metrics.jsonl) is first measured here: nesting at most CEP_JSON_MAX_DEPTH levels, at most
 * @max_bytes bytes. Neither bound is near what Cepstra writes (depth 4, kilobytes).
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CEP_JSON_MAX_DEPTH 64
/* Bytes of an experiment, a checkpoint's metadata or one metrics line. */
#define CEP_JSON_MAX_DOCUMENT (16u << 20)

#define CEP_JSON_INPUT_ERROR (cep_json_input_error_quark ())
GQuark cep_json_input_error_quark (void);

typedef enum
{
  CEP_JSON_INPUT_ERROR_TOO_DEEP,
  CEP_JSON_INPUT_ERROR_TOO_LARGE,
  CEP_JSON_INPUT_ERROR_SYNTAX,
  /* An object names a member twice (json-glib would keep the last silently). */
  CEP_JSON_INPUT_ERROR_DUPLICATE,
} CepJsonInputError;

/* Checks @text's size and depth (@length bytes, -1 = NUL-terminated) without parsing it;
 * the error names @name and the limit. */
gboolean    cep_json_input_check (const char  *text,
                                  gssize       length,
                                  const char  *name,
                                  gsize        max_bytes,
                                  GError     **error);
/* cep_json_input_check(), then json_parser_load_from_data() into @parser; a syntax error is
 * CEP_JSON_INPUT_ERROR_SYNTAX with "NAME: not valid JSON: …", a member named twice in one
 * object CEP_JSON_INPUT_ERROR_DUPLICATE naming it. */
gboolean    cep_json_input_load  (JsonParser  *parser,
                                  const char  *text,
                                  gssize       length,
                                  const char  *name,
                                  gsize        max_bytes,
                                  GError     **error);

/* @object's member @member when it is a string, otherwise @fallback: a file may hold a number
 * or null where a string belongs, and json-glib then answers NULL even with a default. */
const char *cep_json_string_member (JsonObject  *object,
                                    const char  *member,
                                    const char  *fallback);

G_END_DECLS
