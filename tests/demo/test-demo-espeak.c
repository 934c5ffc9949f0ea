/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-demo-espeak.c: synthesis through libespeak-ng: repeatable samples and events (the
 * reason for the forked children), event sanity, and the refusals. Skipped where espeak-ng or
 * its en-us voices are not installed.
 */
#include <string.h>

#include "cep-demo-arpabet.h"
#include "cep-demo-espeak.h"

#define PANGRAM "The quick brown fox jumps over the lazy dog, and thereafter sings."

static gboolean
skip_without_voice (const char *voice)
{
  if (cep_demo_espeak_init (NULL) && cep_demo_espeak_has_voice (voice))
    return FALSE;
  g_test_skip_printf ("espeak-ng voice %s is not available", voice);
  return TRUE;
}

static CepDemoSpeech *
speak (const char *voice,
       guint       rate,
       const char *text)
{
  g_autoptr(GError) error = NULL;
  CepDemoSpeech *speech = cep_demo_espeak_synthesize (voice, rate, text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (speech);
  return speech;
}

static gboolean
speech_equal (const CepDemoSpeech *a,
              const CepDemoSpeech *b)
{
  return a->n_samples == b->n_samples && a->n_events == b->n_events
         && memcmp (a->samples, b->samples, a->n_samples * sizeof (gint16)) == 0
         && memcmp (a->events, b->events, a->n_events * sizeof (CepDemoEvent)) == 0;
}

static void
test_repeatable (void)
{
  g_autoptr(CepDemoSpeech) first = NULL;
  g_autoptr(CepDemoSpeech) other = NULL;
  g_autoptr(CepDemoSpeech) again = NULL;

  if (skip_without_voice ("en-us+m3") || skip_without_voice ("en-us+f1"))
    return;
  first = speak ("en-us+m3", 170, PANGRAM);
  other = speak ("en-us+f1", 150, "Hello there.");
  again = speak ("en-us+m3", 170, PANGRAM);
  /* espeak-ng itself would drift here: its flutter phase continues across calls */
  g_assert_true (speech_equal (first, again));
  g_assert_false (speech_equal (first, other));
}

static void
test_events (void)
{
  g_autoptr(CepDemoArpabet) table = cep_demo_arpabet_new_default (NULL);
  g_autoptr(CepDemoSpeech) speech = NULL;

  if (skip_without_voice ("en-us"))
    return;
  speech = speak ("en-us", 180, PANGRAM);
  g_assert_cmpuint (speech->sample_rate, ==, 22050);
  g_assert_cmpuint (speech->n_events, >, 30);
  /* a short lead-in, then events in order inside the audio, all in the mapping */
  g_assert_cmpint (speech->events[0].sample, >, 0);
  g_assert_cmpint (speech->events[0].sample, <, 22050 / 20);
  for (gsize i = 0; i < speech->n_events; i++)
    {
      const CepDemoEvent *event = &speech->events[i];

      g_assert_cmpuint (strlen (event->mnemonic), >, 0);
      g_assert_cmpint (event->sample, <=, (gint64) speech->n_samples);
      g_assert_true (i == 0 || event->sample >= speech->events[i - 1].sample);
      if (cep_demo_arpabet_lookup (table, event->mnemonic) == NULL)
        g_error ("espeak-ng emitted '%s', which the mapping does not know", event->mnemonic);
    }
  g_assert_cmpstr (cep_demo_espeak_get_version (), !=, NULL);
}

static void
test_refusals (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepDemoSpeech) speech = NULL;

  if (skip_without_voice ("en-us"))
    return;
  g_assert_false (cep_demo_espeak_has_voice ("en-us+nosuchvariant"));
  speech = cep_demo_espeak_synthesize ("xx-nosuchvoice", 170, "Hello.", &error);
  g_assert_null (speech);
  g_assert_error (error, CEP_DEMO_ESPEAK_ERROR, CEP_DEMO_ESPEAK_ERROR_VOICE);
  g_assert_nonnull (strstr (error->message, "xx-nosuchvoice"));
  g_clear_error (&error);
  /* above 300 wpm espeak-ng 1.51 puts events past the end of the audio */
  speech = cep_demo_espeak_synthesize ("en-us", 301, "Hello.", &error);
  g_assert_null (speech);
  g_assert_error (error, CEP_DEMO_ESPEAK_ERROR, CEP_DEMO_ESPEAK_ERROR_RATE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demo/espeak/repeatable", test_repeatable);
  g_test_add_func ("/demo/espeak/events", test_events);
  g_test_add_func ("/demo/espeak/refusals", test_refusals);
  return g_test_run ();
}
