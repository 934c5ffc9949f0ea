/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-format.h: numbers in the CLI's text for people (tables, summaries, progress), written
 * as the user's locale writes them: its digit grouping ("12,345" in English, "12.345" in
 * German). Decimals need no helper: the CLI sets the locale, so printf's %f already writes the
 * locale's decimal mark.
 *
 * Never for what a program reads (CSV, JSON, file names): those stay in the C locale
 * (g_ascii_formatd, json-glib).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @value with the locale's thousands separator. */
char *cep_cli_format_count (guint64     value);
/* @text padded with spaces to @width characters, as printf's "%*s" pads bytes: on the left
 * for a positive @width, on the right for a negative one. A translated heading such as
 * "Äußerungen" then lines up with its column; longer text is kept whole. */
char *cep_cli_format_cell  (const char *text,
                            int         width);
/* @n_cells cells, each padded to its width as by cep_cli_format_cell(), joined by one space:
 * a table's heading row (without a newline). */
char *cep_cli_format_row   (const char * const *cells,
                            const int          *widths,
                            guint               n_cells);

G_END_DECLS
