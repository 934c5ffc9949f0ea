/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-markdown.h: an assignment's instructions, a Markdown subset, as Pango markup.
 *
 * The subset: paragraphs (lines joined, a blank line between), headings (#, ##, ###), list
 * items (- or * or 1.), **bold**, *italic* or _italic_, `code`, and [text](url) (written as
 * the text followed by the address, since a banner has no links). Everything else is text:
 * every character that is not one of these marks is escaped, so an instruction can never
 * inject markup — "<b>" shows as "<b>", and an unclosed mark shows as itself.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Valid Pango markup for @markdown (UTF-8; invalid bytes are replaced). Free with g_free(). */
char *cep_markdown_to_pango (const char *markdown);

G_END_DECLS
