/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-demo-labels.c: each timing rule of the demo recipe on constructed event lists and
 * constructed audio, with the exact sample boundaries it must produce.
 */
#include <math.h>
#include <string.h>

#include "cep-demo-labels.h"

#define RATE 22050

typedef struct
{
  CepDemoArpabet *table;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->table = cep_demo_arpabet_new_default (&error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cep_demo_arpabet_free (fixture->table);
}

/* Events from "mnemonic sample" pairs, e.g. "D 264 @2 1416". */
static GArray *
make_events (const char *spec)
{
  g_auto(GStrv) words = g_strsplit (spec, " ", -1);
  GArray *events = g_array_new (FALSE, TRUE, sizeof (CepDemoEvent));

  for (guint i = 0; words[i] != NULL && words[i + 1] != NULL; i += 2)
    {
      CepDemoEvent event = { { 0 }, g_ascii_strtoll (words[i + 1], NULL, 10) };

      g_strlcpy (event.mnemonic, words[i], sizeof event.mnemonic);
      g_array_append_val (events, event);
    }
  return events;
}

static GArray *
make_segments (Fixture    *fixture,
               const char *spec,
               gint64      n_samples)
{
  g_autoptr(GArray) events = make_events (spec);
  g_autoptr(GError) error = NULL;
  GArray *segments = cep_demo_segments_from_events (fixture->table,
                                                    (const CepDemoEvent *) events->data,
                                                    events->len, n_samples, &error);

  g_assert_no_error (error);
  return segments;
}

/* Spans as "LABEL start end ..." for one-line comparisons. */
static char *
describe_spans (GArray *spans)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < spans->len; i++)
    {
      const CepDemoSpan *span = &g_array_index (spans, CepDemoSpan, i);

      g_string_append_printf (text, "%s%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                              i > 0 ? " | " : "", span->label, span->start, span->end);
    }
  return g_string_free (text, FALSE);
}

static void
assert_spans (GArray     *spans,
              const char *expected)
{
  g_autofree char *actual = describe_spans (spans);

  g_assert_cmpstr (actual, ==, expected);
}

static GArray *
spans_of (Fixture    *fixture,
          const char *spec,
          gint64      n_samples)
{
  g_autoptr(GArray) segments = make_segments (fixture, spec, n_samples);

  cep_demo_segments_apply_context (segments);
  cep_demo_segments_fill_zero_length (segments);
  return cep_demo_segments_to_spans (segments);
}

/* ---- events -> segments ---- */

static void
test_segments_from_events (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GArray) segments = make_segments (fixture, "D 264 @2 1416 n- 2998", 4000);
  const CepDemoSegment *s = (const CepDemoSegment *) segments->data;

  g_assert_cmpuint (segments->len, ==, 4);
  g_assert_cmpstr (s[0].labels[0], ==, "[SIL]");        /* espeak's own lead-in */
  g_assert_cmpint (s[0].start, ==, 0);
  g_assert_cmpint (s[0].end, ==, 264);
  g_assert_cmpstr (s[1].mnemonic, ==, "D");
  g_assert_cmpstr (s[1].labels[0], ==, "DH");
  g_assert_cmpint (s[1].end, ==, 1416);
  g_assert_cmpstr (s[2].labels[0], ==, "AH");
  g_assert_cmpuint (s[3].n_labels, ==, 2);
  g_assert_cmpint (s[3].start, ==, 2998);
  g_assert_cmpint (s[3].end, ==, 4000);                  /* the last one runs to the end */
}

static void
test_segments_start_at_zero (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GArray) segments = make_segments (fixture, "s 0 I 500", 900);

  g_assert_cmpuint (segments->len, ==, 2);                /* no empty lead-in segment */
  g_assert_cmpstr (g_array_index (segments, CepDemoSegment, 0).labels[0], ==, "S");
}

static void
assert_events_error (Fixture    *fixture,
                     const char *spec,
                     gint64      n_samples,
                     GQuark      domain,
                     int         code,
                     const char *fragment)
{
  g_autoptr(GArray) events = make_events (spec);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) segments = cep_demo_segments_from_events (
    fixture->table, (const CepDemoEvent *) events->data, events->len, n_samples, &error);

  g_assert_null (segments);
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_segments_errors (Fixture       *fixture,
                      gconstpointer  data)
{
  assert_events_error (fixture, "", 100, CEP_DEMO_LABELS_ERROR, CEP_DEMO_LABELS_ERROR_EVENTS,
                       "no phoneme events");
  assert_events_error (fixture, "a 50 t 40", 100, CEP_DEMO_LABELS_ERROR,
                       CEP_DEMO_LABELS_ERROR_EVENTS, "'t' at sample 40");
  assert_events_error (fixture, "a 50 t 140", 100, CEP_DEMO_LABELS_ERROR,
                       CEP_DEMO_LABELS_ERROR_EVENTS, "past the end");
  /* an unknown mnemonic fails the utterance: it is never guessed */
  assert_events_error (fixture, "a 10 Q# 50", 100, CEP_DEMO_ARPABET_ERROR,
                       CEP_DEMO_ARPABET_ERROR_UNKNOWN, "'Q#'");
}

/* ---- context rules ---- */

static void
test_context_rules (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GArray) segments = make_segments (
    fixture, "A@ 0 r 100 3 200 r- 300 A@ 400 t 500 aI3 600 r 700 a 800 r 900 i@3 1000 r- 1100",
    1200);
  const CepDemoSegment *s = (const CepDemoSegment *) segments->data;

  cep_demo_segments_apply_context (segments);
  g_assert_cmpuint (s[0].n_labels, ==, 1);    /* A@ r: the vowel keeps only AA */
  g_assert_cmpstr (s[0].labels[0], ==, "AA");
  g_assert_cmpuint (s[1].n_labels, ==, 1);    /* ... and the r stays R */
  g_assert_cmpuint (s[3].n_labels, ==, 0);    /* 3 r-: the r- merges into the ER */
  g_assert_cmpuint (s[4].n_labels, ==, 2);    /* A@ t: AA R, no r follows */
  g_assert_cmpuint (s[7].n_labels, ==, 0);    /* aI3 r: merged */
  g_assert_cmpuint (s[9].n_labels, ==, 1);    /* a r: nothing to do */
  g_assert_cmpuint (s[10].n_labels, ==, 1);   /* i@3 r- */
  g_assert_cmpuint (s[11].n_labels, ==, 1);
}

static void
test_er_merge_spans (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GArray) spans = spans_of (fixture, "n 0 a 100 tS 200 3 300 r 500 @L 600", 1000);

  assert_spans (spans, "N 0 100 | AE 100 200 | CH 200 300 | ER 300 600 | AH 600 740 | "
                       "L 740 1000");
}

static void
test_r_coloured_vowel_spans (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GArray) spans = spans_of (fixture, "p 0 A@ 100 r 600 t 700 o@ 800", 1800);

  assert_spans (spans, "P 0 100 | AA 100 600 | R 600 700 | T 700 800 | AO 800 1400 | "
                       "R 1400 1800");
}

/* ---- zero-length events ---- */

static void
test_zero_length (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GArray) segments = make_segments (fixture, "E 0 l 1000 z 1000 _: 1500 _ 2000",
                                              2000);
  const CepDemoSegment *s = (const CepDemoSegment *) segments->data;

  cep_demo_segments_fill_zero_length (segments);
  g_assert_cmpint (s[0].end, ==, 650);        /* the vowel keeps 65 % */
  g_assert_cmpint (s[1].start, ==, 650);      /* the l gets the last 35 % */
  g_assert_cmpint (s[1].end, ==, 1000);
  g_assert_cmpint (s[2].start, ==, 1000);
  g_assert_cmpint (s[4].start, ==, 2000);     /* a zero-length pause stays empty */
  g_assert_cmpint (s[4].end, ==, 2000);
  g_assert_cmpint (s[3].end, ==, 2000);
}

static void
test_zero_length_spans (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GArray) spans = spans_of (fixture, "_: 0 O: 200 l 1200 _: 1200 _ 3000", 3000);

  /* the empty final pause disappears; the two pauses around it are one [SIL] */
  assert_spans (spans, "[SIL] 0 200 | AO 200 850 | L 850 1200 | [SIL] 1200 3000");
}

/* ---- splits and merges ---- */

static void
test_splits (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GArray) spans = spans_of (fixture, "aI3 0 m- 1000 i@ 2001 @L 3000", 4000);

  /* 60/40 except after AH (35/65); rounding to the nearest sample */
  assert_spans (spans, "AY 0 600 | ER 600 1000 | AH 1000 1350 | M 1350 2001 | "
                       "IY 2001 2600 | AH 2600 3350 | L 3350 4000");
}

static void
test_merges_and_joins (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GArray) spans = spans_of (fixture, "h 0 i: 100 ; 300 I 400 t 500 t# 600 d 700",
                                      800);

  /* ';' extends IY; two T events in a row are one span */
  assert_spans (spans, "HH 0 100 | IY 100 400 | IH 400 500 | T 500 700 | D 700 800");
}

static void
test_leading_merge (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GArray) spans = spans_of (fixture, "; 0 a 10", 20);

  assert_spans (spans, "[SIL] 0 10 | AE 10 20");
}

/* ---- stop closures ---- */

/* Loud (a 200 Hz sine of amplitude 10000) where @loud is TRUE for [start, end) pairs. */
static gint16 *
make_audio (gsize       n,
            const gint64 *loud,
            guint       n_loud)
{
  gint16 *samples = g_new0 (gint16, n);

  for (guint k = 0; k < n_loud; k++)
    for (gint64 i = loud[2 * k]; i < loud[2 * k + 1]; i++)
      samples[i] = (gint16) lround (10000.0 * sin (2.0 * G_PI * 200.0 * i / RATE));
  return samples;
}

static GArray *
make_spans (const char *spec)
{
  g_auto(GStrv) words = g_strsplit (spec, " ", -1);
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (CepDemoSpan));

  for (guint i = 0; words[i] != NULL; i += 3)
    {
      CepDemoSpan span = { g_intern_string (words[i]),
                           g_ascii_strtoll (words[i + 1], NULL, 10),
                           g_ascii_strtoll (words[i + 2], NULL, 10) };

      g_array_append_val (spans, span);
    }
  return spans;
}

static void
assert_closures (const char   *spans_spec,
                 const gint64 *loud,
                 guint         n_loud,
                 gsize         n_samples,
                 const char   *expected)
{
  g_autoptr(GArray) spans = make_spans (spans_spec);
  g_autofree gint16 *samples = make_audio (n_samples, loud, n_loud);
  CepDemoClosureOptions options;

  cep_demo_closure_options_init (&options);
  cep_demo_spans_give_closures_to_stops (spans, samples, n_samples, RATE, &options);
  assert_spans (spans, expected);
}

static void
test_closure_moves_quiet_tail (void)
{
  const gint64 loud[] = { 0, 2000, 3000, 4000 };

  /* 1000 quiet samples before the stop; 2 ms blocks are 44 samples, so 22 blocks move */
  assert_closures ("AA 0 3000 T 3000 4000", loud, 2, 4000, "AA 0 2032 | T 2032 4000");
  /* the same for an affricate and a voiced stop; not for a fricative */
  assert_closures ("AA 0 3000 CH 3000 4000", loud, 2, 4000, "AA 0 2032 | CH 2032 4000");
  assert_closures ("AA 0 3000 B 3000 4000", loud, 2, 4000, "AA 0 2032 | B 2032 4000");
  assert_closures ("AA 0 3000 S 3000 4000", loud, 2, 4000, "AA 0 3000 | S 3000 4000");
}

static void
test_closure_limits (void)
{
  const gint64 long_gap[] = { 0, 1000, 5000, 6000 };
  const gint64 short_vowel[] = { 0, 100, 500, 900 };
  const gint64 no_gap[] = { 0, 4000 };

  /* at most 80 ms (1764 samples) */
  assert_closures ("AA 0 5000 K 5000 6000", long_gap, 2, 6000, "AA 0 3236 | K 3236 6000");
  /* the phoneme before keeps 10 ms (221 samples) */
  assert_closures ("IH 0 500 P 500 900", short_vowel, 2, 900, "IH 0 221 | P 221 900");
  /* nothing quiet: nothing moves */
  assert_closures ("AA 0 3000 D 3000 4000", no_gap, 1, 4000, "AA 0 3000 | D 3000 4000");
  /* a pause before the stop stays a pause */
  assert_closures ("[SIL] 0 3000 G 3000 4000", long_gap, 2, 6000,
                   "[SIL] 0 3000 | G 3000 4000");
}

/* ---- lead-in and frames ---- */

static void
test_prepend_silence (void)
{
  g_autoptr(GArray) spans = make_spans ("[SIL] 0 100 AA 100 500");
  g_autoptr(GArray) bare = make_spans ("AA 0 500");

  cep_demo_spans_prepend_silence (spans, 2000);
  assert_spans (spans, "[SIL] 0 2100 | AA 2100 2500");
  cep_demo_spans_prepend_silence (bare, 2000);
  assert_spans (bare, "[SIL] 0 2000 | AA 2000 2500");
}

static const char **
label_frames (const char  *spec,
              gsize        n_frames,
              GError     **error)
{
  g_autoptr(GArray) spans = make_spans (spec);

  return cep_demo_spans_label_frames (spans, RATE, 16000, 400, 160, n_frames, error);
}

static void
test_frame_centres (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree const char **a = NULL;
  g_autofree const char **b = NULL;

  /* frame 0's centre is 16 kHz sample 200 = 22.05 kHz sample 275.625; frame 1's 496.125 */
  a = label_frames ("[SIL] 0 275 AA 275 497 T 497 2000", 3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a[0], ==, "AA");
  g_assert_cmpstr (a[1], ==, "AA");
  g_assert_cmpstr (a[2], ==, "T");
  b = label_frames ("[SIL] 0 276 AA 276 495 T 495 2000", 3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b[0], ==, "[SIL]");
  g_assert_cmpstr (b[1], ==, "T");
  g_assert_true (b[2] == g_intern_static_string ("T"));
}

static void
test_frame_coverage_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree const char **labels = label_frames ("AA 0 500 T 500 800", 3, &error);

  /* frame 2's centre is 22.05 kHz sample 716.625: covered; frame 3's (937.125) is not */
  g_assert_no_error (error);
  g_clear_pointer (&labels, g_free);
  labels = label_frames ("AA 0 500 T 500 800", 4, &error);
  g_assert_null (labels);
  g_assert_error (error, CEP_DEMO_LABELS_ERROR, CEP_DEMO_LABELS_ERROR_COVERAGE);
  g_assert_nonnull (strstr (error->message, "frame 3"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/demo/labels/segments", test_segments_from_events);
  ADD ("/demo/labels/segments-at-zero", test_segments_start_at_zero);
  ADD ("/demo/labels/segments-errors", test_segments_errors);
  ADD ("/demo/labels/context", test_context_rules);
  ADD ("/demo/labels/er-merge", test_er_merge_spans);
  ADD ("/demo/labels/r-coloured", test_r_coloured_vowel_spans);
  ADD ("/demo/labels/zero-length", test_zero_length);
  ADD ("/demo/labels/zero-length-spans", test_zero_length_spans);
  ADD ("/demo/labels/splits", test_splits);
  ADD ("/demo/labels/merges", test_merges_and_joins);
  ADD ("/demo/labels/leading-merge", test_leading_merge);
#undef ADD
  g_test_add_func ("/demo/labels/closure", test_closure_moves_quiet_tail);
  g_test_add_func ("/demo/labels/closure-limits", test_closure_limits);
  g_test_add_func ("/demo/labels/prepend-silence", test_prepend_silence);
  g_test_add_func ("/demo/labels/frame-centres", test_frame_centres);
  g_test_add_func ("/demo/labels/frame-coverage", test_frame_coverage_error);
  return g_test_run ();
}
