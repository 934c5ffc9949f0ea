/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-prompts.h: the prompt list that drives the demo dataset (prompts.tsv).
 *
 * Owns parsing and validating the list written by make-prompts.py:
 *   id<TAB>voice<TAB>rate<TAB>partition<TAB>text   (a header line, then one row per utterance)
 * Ids and partitions become file and folder names, so they are restricted to [A-Za-z0-9_-].
 * The committed list is embedded at build time; it knows nothing about audio.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_DEMO_PROMPTS_ERROR (cep_demo_prompts_error_quark ())
GQuark cep_demo_prompts_error_quark (void);

typedef enum
{
  CEP_DEMO_PROMPTS_ERROR_PARSE,      /* bad header, field count, rate, id or empty text */
  CEP_DEMO_PROMPTS_ERROR_DUPLICATE,  /* one id twice */
} CepDemoPromptsError;

typedef struct
{
  char  *id;          /* utterance name, e.g. 0003-000129-005 */
  char  *voice;       /* espeak-ng voice, e.g. en-us+m7 */
  guint  rate;        /* words per minute */
  char  *partition;   /* e.g. train-clean-100 */
  char  *text;
} CepDemoPrompt;

void       cep_demo_prompt_free              (CepDemoPrompt  *prompt);

/* Parses a prompt list; @name is used in messages ("prompts.tsv:12: ..."). Returns a
 * GPtrArray of CepDemoPrompt in file order. */
GPtrArray *cep_demo_prompts_parse            (const char     *text,
                                              gsize           length,
                                              const char     *name,
                                              GError        **error);
/* Reads @path (G_FILE_ERROR when unreadable), or the embedded data/demo/prompts.tsv when
 * @path is NULL. */
GPtrArray *cep_demo_prompts_load             (const char     *path,
                                              GError        **error);

/* Test partitions ("test-clean") are written without transcripts, as in HW1P2. */
gboolean   cep_demo_partition_is_labelled    (const char     *partition);

G_END_DECLS
