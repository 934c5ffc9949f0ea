/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-labels.c: the timing rules that turn espeak-ng phoneme events into frame labels.
 *
 * Every rule here corrects a measured quirk of espeak-ng 1.51 (DEMO-DATA.md); none of them
 * invents a boundary that the synthesizer did not put into the audio. Labels are interned
 * strings, so "is this [SIL]" is a pointer comparison.
 */
#define G_LOG_DOMAIN "cepstra-demo-labels"

#include "cep-demo-labels.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (cep-demo-labels-error-quark, cep_demo_labels_error)

/* Share of a two-label segment given to its first label, in percent. */
#define SPLIT_FIRST_PERCENT     60
#define SPLIT_FIRST_AH_PERCENT  35
/* Share of the previous segment a zero-length event takes, in percent. */
#define ZERO_LENGTH_PERCENT     35

static const char *const r_coloured_vowels[] = { "A@", "O@", "o@", "e@", "i@3", "U@", NULL };
static const char *const er_vowels[] = { "3", "3:", "aI3", "aU3", "aU@", NULL };
static const char *const r_mnemonics[] = { "r", "r-", NULL };
static const char *const stop_labels[] = { "P", "B", "T", "D", "K", "G", "CH", "JH", NULL };

void
cep_demo_closure_options_init (CepDemoClosureOptions *options)
{
  options->threshold_db = 45.0;
  options->max_ms = 80.0;
  options->keep_ms = 10.0;
  options->block_ms = 2.0;
}

static const char *
silence_label (void)
{
  return g_intern_static_string ("[SIL]");
}

static gboolean
in_list (const char        *text,
         const char *const *list)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (strcmp (text, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static gint64
percent_of (gint64 length,
            guint  percent)
{
  return (length * percent + 50) / 100;
}

/* ---- events -> segments ---- */

static gboolean
check_event (const CepDemoEvent  *event,
             gint64               previous,
             gint64               n_samples,
             GError             **error)
{
  if (event->sample < previous || event->sample > n_samples)
    {
      g_set_error (error, CEP_DEMO_LABELS_ERROR, CEP_DEMO_LABELS_ERROR_EVENTS,
                   "phoneme '%s' at sample %" G_GINT64_FORMAT " is out of order or past the "
                   "end of the audio (%" G_GINT64_FORMAT " samples)",
                   event->mnemonic, event->sample, n_samples);
      return FALSE;
    }
  return TRUE;
}

static void
segments_append (GArray                    *segments,
                 const CepDemoArpabetEntry *entry,
                 gint64                     start,
                 gint64                     end)
{
  CepDemoSegment segment = { entry->mnemonic, entry->n_labels, { NULL, NULL }, start, end };

  memcpy (segment.labels, entry->labels, sizeof segment.labels);
  g_array_append_val (segments, segment);
}

GArray *
cep_demo_segments_from_events (CepDemoArpabet      *table,
                               const CepDemoEvent  *events,
                               gsize                n_events,
                               gint64               n_samples,
                               GError             **error)
{
  g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (CepDemoSegment));
  const CepDemoArpabetEntry *silence;

  if (n_events == 0)
    {
      g_set_error (error, CEP_DEMO_LABELS_ERROR, CEP_DEMO_LABELS_ERROR_EVENTS,
                   "no phoneme events");
      return NULL;
    }
  if ((silence = cep_demo_arpabet_map (table, "_", error)) == NULL)
    return NULL;
  if (events[0].sample > 0)
    segments_append (segments, silence, 0, events[0].sample);
  for (gsize i = 0; i < n_events; i++)
    {
      const CepDemoArpabetEntry *entry;
      gint64 end = i + 1 < n_events ? events[i + 1].sample : n_samples;

      if (!check_event (&events[i], i > 0 ? events[i - 1].sample : 0, n_samples, error))
        return NULL;
      if ((entry = cep_demo_arpabet_map (table, events[i].mnemonic, error)) == NULL)
        return NULL;
      segments_append (segments, entry, events[i].sample, MAX (end, events[i].sample));
    }
  return g_steal_pointer (&segments);
}

/* ---- rules on segments ---- */

void
cep_demo_segments_apply_context (GArray *segments)
{
  for (guint i = 0; i + 1 < segments->len; i++)
    {
      CepDemoSegment *segment = &g_array_index (segments, CepDemoSegment, i);
      CepDemoSegment *next = &g_array_index (segments, CepDemoSegment, i + 1);

      if (!in_list (next->mnemonic, r_mnemonics))
        continue;
      if (in_list (segment->mnemonic, r_coloured_vowels))
        segment->n_labels = 1;      /* "A@ r" is AA R, not AA R R */
      else if (in_list (segment->mnemonic, er_vowels))
        next->n_labels = 0;         /* "3 r" is one ER */
    }
}

static gboolean
segment_is_silence (const CepDemoSegment *segment)
{
  return segment->n_labels > 0 && segment->labels[0] == silence_label ();
}

void
cep_demo_segments_fill_zero_length (GArray *segments)
{
  for (guint i = 1; i < segments->len; i++)
    {
      CepDemoSegment *segment = &g_array_index (segments, CepDemoSegment, i);
      CepDemoSegment *previous = &g_array_index (segments, CepDemoSegment, i - 1);

      if (segment->start != segment->end || segment->n_labels == 0
          || segment_is_silence (segment))
        continue;
      segment->start = previous->end - percent_of (previous->end - previous->start,
                                                   ZERO_LENGTH_PERCENT);
      previous->end = segment->start;
    }
}

/* ---- segments -> spans ---- */

static void
spans_append (GArray     *spans,
              const char *label,
              gint64      start,
              gint64      end)
{
  CepDemoSpan span = { label, start, end };

  if (end <= start)
    return;
  if (spans->len > 0)
    {
      CepDemoSpan *last = &g_array_index (spans, CepDemoSpan, spans->len - 1);

      if (last->label == label)
        {
          last->end = end;
          return;
        }
    }
  g_array_append_val (spans, span);
}

static void
spans_append_segment (GArray               *spans,
                      const CepDemoSegment *segment)
{
  gint64 split;
  guint percent;

  if (segment->n_labels == 1)
    {
      spans_append (spans, segment->labels[0], segment->start, segment->end);
      return;
    }
  percent = strcmp (segment->labels[0], "AH") == 0 ? SPLIT_FIRST_AH_PERCENT
                                                    : SPLIT_FIRST_PERCENT;
  split = segment->start + percent_of (segment->end - segment->start, percent);
  spans_append (spans, segment->labels[0], segment->start, split);
  spans_append (spans, segment->labels[1], split, segment->end);
}

GArray *
cep_demo_segments_to_spans (GArray *segments)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (CepDemoSpan));

  for (guint i = 0; i < segments->len; i++)
    {
      const CepDemoSegment *segment = &g_array_index (segments, CepDemoSegment, i);

      if (segment->n_labels > 0)
        spans_append_segment (spans, segment);
      else if (spans->len > 0)
        g_array_index (spans, CepDemoSpan, spans->len - 1).end = segment->end;
      else
        spans_append (spans, silence_label (), segment->start, segment->end);
    }
  return spans;
}

/* ---- stop closures ---- */

static double
block_energy (const gint16 *samples,
              gint64        start,
              gint64        end)
{
  double sum = 0.0;

  for (gint64 i = start; i < end; i++)
    sum += (double) samples[i] * samples[i];
  return sum / (double) (end - start);
}

static double
loudest_block_energy (const gint16 *samples,
                      gsize         n_samples,
                      gint64        block)
{
  double loudest = 0.0;

  for (gint64 start = 0; start + block <= (gint64) n_samples; start += block)
    loudest = MAX (loudest, block_energy (samples, start, start + block));
  return loudest;
}

/* Length of the run of quiet blocks at the end of [start, end), walking back from @end and
 * stopping after @limit samples. */
static gint64
quiet_tail (const gint16 *samples,
            gint64        start,
            gint64        end,
            gint64        block,
            double        threshold,
            gint64        limit)
{
  gint64 boundary = end;

  while (boundary - block >= start && end - boundary < limit
         && block_energy (samples, boundary - block, boundary) < threshold)
    boundary -= block;
  return end - boundary;
}

static gint64
ms_to_samples (double ms,
               guint  sample_rate)
{
  return (gint64) llround (ms * sample_rate / 1000.0);
}

void
cep_demo_spans_give_closures_to_stops (GArray                      *spans,
                                       const gint16                *samples,
                                       gsize                        n_samples,
                                       guint                        sample_rate,
                                       const CepDemoClosureOptions *options)
{
  gint64 block = MAX (1, ms_to_samples (options->block_ms, sample_rate));
  gint64 max_run = ms_to_samples (options->max_ms, sample_rate);
  gint64 keep = ms_to_samples (options->keep_ms, sample_rate);
  double threshold = loudest_block_energy (samples, n_samples, block)
                     * pow (10.0, -options->threshold_db / 10.0);

  for (guint i = 1; i < spans->len; i++)
    {
      CepDemoSpan *stop = &g_array_index (spans, CepDemoSpan, i);
      CepDemoSpan *previous = &g_array_index (spans, CepDemoSpan, i - 1);
      gint64 run;

      if (!in_list (stop->label, stop_labels) || previous->label == silence_label ())
        continue;
      run = quiet_tail (samples, previous->start, MIN (previous->end, (gint64) n_samples),
                        block, threshold, max_run);
      run = MIN (MIN (run, max_run), previous->end - previous->start - keep);
      if (run <= 0)
        continue;
      previous->end -= run;
      stop->start -= run;
    }
}

void
cep_demo_spans_prepend_silence (GArray *spans,
                                gint64  lead_in)
{
  CepDemoSpan silence = { silence_label (), 0, lead_in };

  for (guint i = 0; i < spans->len; i++)
    {
      g_array_index (spans, CepDemoSpan, i).start += lead_in;
      g_array_index (spans, CepDemoSpan, i).end += lead_in;
    }
  if (spans->len > 0 && g_array_index (spans, CepDemoSpan, 0).label == silence.label)
    g_array_index (spans, CepDemoSpan, 0).start = 0;
  else if (lead_in > 0)
    g_array_prepend_val (spans, silence);
}

/* ---- frames ---- */

const char **
cep_demo_spans_label_frames (GArray   *spans,
                             guint     span_rate,
                             guint     frame_rate,
                             guint     frame_length,
                             guint     frame_shift,
                             gsize     n_frames,
                             GError  **error)
{
  g_autofree const char **labels = g_new0 (const char *, MAX (n_frames, 1));
  guint j = 0;

  for (gsize t = 0; t < n_frames; t++)
    {
      /* centre / frame_rate seconds, scaled by frame_rate * span_rate to stay integral */
      gint64 centre = ((gint64) t * frame_shift + frame_length / 2) * span_rate;
      const CepDemoSpan *span = NULL;

      while (j < spans->len
             && g_array_index (spans, CepDemoSpan, j).end * frame_rate <= centre)
        j++;
      if (j < spans->len)
        span = &g_array_index (spans, CepDemoSpan, j);
      if (span == NULL || span->start * frame_rate > centre)
        {
          g_set_error (error, CEP_DEMO_LABELS_ERROR, CEP_DEMO_LABELS_ERROR_COVERAGE,
                       "frame %" G_GSIZE_FORMAT " has no phoneme at its centre", t);
          return NULL;
        }
      labels[t] = span->label;
    }
  return g_steal_pointer (&labels);
}
