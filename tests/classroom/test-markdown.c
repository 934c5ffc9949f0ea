/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-markdown.c: the instructions' Markdown subset as Pango markup — each mark, escaping of
 * everything else, and markup Pango accepts for any input.
 */
#include <pango/pango.h>

#include "cep-markdown.h"

static void
assert_renders (const char *markdown,
                const char *markup)
{
  g_autofree char *rendered = cep_markdown_to_pango (markdown);

  g_assert_cmpstr (rendered, ==, markup);
  g_assert_true (pango_parse_markup (rendered, -1, 0, NULL, NULL, NULL, NULL));
}

static void
test_marks (void)
{
  assert_renders ("# Goal", "<span size=\"large\" weight=\"bold\">Goal</span>");
  assert_renders ("## Rules", "<span weight=\"bold\">Rules</span>");
  assert_renders ("Train **tiny** for *10* epochs.",
                  "Train <b>tiny</b> for <i>10</i> epochs.");
  assert_renders ("Use `train.epochs` and _care_.",
                  "Use <tt>train.epochs</tt> and <i>care</i>.");
  assert_renders ("- one\n* two\n3. three", "• one\n• two\n3. three");
  assert_renders ("first line\nsame paragraph\n\nsecond",
                  "first line same paragraph\n\nsecond");
  assert_renders ("See [the notes](https://example.org/a?b=1&c=2).",
                  "See the notes <small>(https://example.org/a?b=1&amp;c=2)</small>.");
  assert_renders ("**bold with *italic* inside**", "<b>bold with <i>italic</i> inside</b>");
  assert_renders (NULL, "");
}

static void
test_escaping (void)
{
  assert_renders ("<b>not markup</b> & \"quotes\"",
                  "&lt;b&gt;not markup&lt;/b&gt; &amp; &quot;quotes&quot;");
  assert_renders ("an *unclosed mark", "an *unclosed mark");
  assert_renders ("two ** stars", "two ** stars");
  assert_renders ("snake_case_name stays", "snake_case_name stays");
  assert_renders ("`<span>` in code", "<tt>&lt;span&gt;</tt> in code");
  assert_renders ("**", "**");
  assert_renders ("[text](", "[text](");
  assert_renders ("#no heading", "#no heading");
}

/* Whatever the instructions hold, the banner gets markup Pango parses. */
static void
test_any_input_parses (void)
{
  const char alphabet[] = "*_`[]()#-. <>&\"'\nab1é";
  GRand *rand = g_rand_new_with_seed (7);

  for (guint round = 0; round < 3000; round++)
    {
      g_autofree char *rendered = NULL;
      GString *text = g_string_new (NULL);
      guint length = (guint) g_rand_int_range (rand, 0, 40);

      for (guint i = 0; i < length; i++)
        {
          guint pick = (guint) g_rand_int_range (rand, 0, sizeof alphabet - 1);
          /* é is two bytes: take both, or a stray byte (make_valid replaces it). */
          g_string_append_c (text, alphabet[pick]);
        }
      rendered = cep_markdown_to_pango (text->str);
      if (!pango_parse_markup (rendered, -1, 0, NULL, NULL, NULL, NULL))
        g_error ("“%s” rendered to markup Pango refuses: “%s”", text->str, rendered);
      g_string_free (text, TRUE);
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/markdown/marks", test_marks);
  g_test_add_func ("/markdown/escaping", test_escaping);
  g_test_add_func ("/markdown/any-input-parses", test_any_input_parses);

  return g_test_run ();
}
