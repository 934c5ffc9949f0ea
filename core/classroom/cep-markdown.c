/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-markdown.c: the Markdown subset of cep-markdown.h to Pango markup.
 *
 * Owns the subset and the escaping. Inline marks are matched on one line only, closing mark
 * first: a mark without its partner is literal text. Nothing here is ever passed through
 * unescaped, so the output parses whatever the input holds.
 */
#define G_LOG_DOMAIN "cepstra-classroom"

#include "cep-markdown.h"

#include <string.h>

static void render_inline (GString *out, const char *text, gsize length);

static void
append_escaped (GString    *out,
                const char *text,
                gsize       length)
{
  g_autofree char *escaped = g_markup_escape_text (text, (gssize) length);

  g_string_append (out, escaped);
}

/* Where @mark closes after @start within @end, or NULL; the span must not be empty. */
static const char *
find_closing (const char *start,
              const char *end,
              const char *mark)
{
  gsize mark_length = strlen (mark);

  for (const char *p = start + 1; p + mark_length <= end; p++)
    if (memcmp (p, mark, mark_length) == 0)
      return p;
  return NULL;
}

/* A [text](url) link at @p: the text rendered, then the address in a smaller font. */
static const char *
render_link (GString    *out,
             const char *p,
             const char *end)
{
  const char *close_text = find_closing (p, end, "]");
  const char *close_url;

  if (close_text == NULL || close_text + 1 >= end || close_text[1] != '(')
    return NULL;
  close_url = find_closing (close_text + 1, end, ")");
  if (close_url == NULL)
    return NULL;
  render_inline (out, p + 1, (gsize) (close_text - p - 1));
  g_string_append (out, " <small>(");
  append_escaped (out, close_text + 2, (gsize) (close_url - close_text - 2));
  g_string_append (out, ")</small>");
  return close_url + 1;
}

/* An emphasis or code span opening at @p with @mark; where it ends, or NULL if it does not
 * close on this line. */
static const char *
render_span (GString    *out,
             const char *p,
             const char *end,
             const char *mark,
             const char *tag)
{
  gsize mark_length = strlen (mark);
  const char *closing = find_closing (p + mark_length - 1, end, mark);

  if (closing == NULL || closing == p + mark_length)
    return NULL;
  g_string_append_printf (out, "<%s>", tag);
  if (strcmp (tag, "tt") == 0)
    append_escaped (out, p + mark_length, (gsize) (closing - p - mark_length));
  else
    render_inline (out, p + mark_length, (gsize) (closing - p - mark_length));
  g_string_append_printf (out, "</%s>", tag);
  return closing + mark_length;
}

static void
render_inline (GString    *out,
               const char *text,
               gsize       length)
{
  const char *end = text + length;
  const char *p = text;

  while (p < end)
    {
      const char *next = NULL;

      if (*p == '`')
        next = render_span (out, p, end, "`", "tt");
      else if (*p == '*' && p + 1 < end && p[1] == '*')
        next = render_span (out, p, end, "**", "b");
      else if (*p == '*' || (*p == '_' && (p == text || !g_ascii_isalnum (p[-1]))))
        /* snake_case names stay as they are: "_" only opens at the start of a word. */
        next = render_span (out, p, end, *p == '*' ? "*" : "_", "i");
      else if (*p == '[')
        next = render_link (out, p, end);
      if (next != NULL)
        {
          p = next;
          continue;
        }
      next = g_utf8_next_char (p);
      append_escaped (out, p, (gsize) (MIN (next, end) - p));
      p = next;
    }
}

static gboolean
is_list_item (const char  *line,
              const char **rest)
{
  const char *p = line;

  if ((p[0] == '-' || p[0] == '*') && p[1] == ' ')
    {
      *rest = p + 2;
      return TRUE;
    }
  while (g_ascii_isdigit (*p))
    p++;
  if (p != line && p[0] == '.' && p[1] == ' ')
    {
      *rest = line;   /* the number is kept as written */
      return TRUE;
    }
  return FALSE;
}

static guint
heading_level (const char  *line,
               const char **rest)
{
  guint level = 0;

  while (line[level] == '#' && level < 4)
    level++;
  if (level == 0 || level > 3 || line[level] != ' ')
    return 0;
  *rest = line + level + 1;
  return level;
}

/* One line that is not a paragraph's continuation: a heading, a list item or a blank. */
static gboolean
render_block_line (GString    *out,
                   const char *line)
{
  const char *rest = NULL;
  guint level = heading_level (line, &rest);

  if (level > 0)
    {
      g_string_append (out, level == 1 ? "<span size=\"large\" weight=\"bold\">"
                                       : "<span weight=\"bold\">");
      render_inline (out, rest, strlen (rest));
      g_string_append (out, "</span>");
      return TRUE;
    }
  if (is_list_item (line, &rest))
    {
      if (rest != line)
        g_string_append (out, "• ");
      render_inline (out, rest, strlen (rest));
      return TRUE;
    }
  return FALSE;
}

char *
cep_markdown_to_pango (const char *markdown)
{
  g_autofree char *valid = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);
  gboolean in_paragraph = FALSE;
  gboolean pending_break = FALSE;

  if (markdown == NULL)
    return g_string_free (out, FALSE);
  valid = g_utf8_make_valid (markdown, -1);
  lines = g_strsplit (valid, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (line[0] == '\0')
        {
          pending_break = out->len > 0;
          in_paragraph = FALSE;
          continue;
        }
      if (in_paragraph && heading_level (line, &(const char *) { NULL }) == 0
          && !is_list_item (line, &(const char *) { NULL }))
        {
          g_string_append_c (out, ' ');
          render_inline (out, line, strlen (line));
          continue;
        }
      if (out->len > 0)
        g_string_append (out, pending_break ? "\n\n" : "\n");
      pending_break = FALSE;
      in_paragraph = !render_block_line (out, line);
      if (in_paragraph)
        render_inline (out, line, strlen (line));
    }
  return g_string_free (out, FALSE);
}
