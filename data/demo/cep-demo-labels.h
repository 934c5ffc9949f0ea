/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-labels.h: from espeak-ng phoneme events to one HW1P2 label per MFCC frame.
 *
 * Owns the timing rules of shared/reference/DEMO-DATA.md, each a small function on plain
 * arrays so it can be tested on constructed event lists:
 *   events -> segments (one per event, mapped through the arpabet table)
 *   -> context rules (r-coloured vowels, ER + r)  -> zero-length events
 *   -> spans (two-label splits, MERGE)  -> stop closures  -> lead-in shift
 *   -> frame labels (the span covering each frame's centre sample).
 * Times are sample indices at the synthesis rate until the last step. It must not call
 * espeak-ng or touch files: the input is an event list and, for closures, the samples.
 */
#pragma once

#include <glib.h>

#include "cep-demo-arpabet.h"

G_BEGIN_DECLS

#define CEP_DEMO_LABELS_ERROR (cep_demo_labels_error_quark ())
GQuark cep_demo_labels_error_quark (void);

typedef enum
{
  CEP_DEMO_LABELS_ERROR_EVENTS,     /* no events, events out of order or past the audio */
  CEP_DEMO_LABELS_ERROR_COVERAGE,   /* a frame centre outside every span */
} CepDemoLabelsError;

/* espeak-ng mnemonics are at most 8 bytes, not always NUL-terminated in the event. */
#define CEP_DEMO_MNEMONIC_SIZE 9

typedef struct
{
  char   mnemonic[CEP_DEMO_MNEMONIC_SIZE];
  gint64 sample;                 /* start of the phoneme in the synthesized audio */
} CepDemoEvent;

/* One event's stretch of audio with its mapped labels. */
typedef struct
{
  const char *mnemonic;                      /* the arpabet table's key (interned) */
  guint       n_labels;                      /* 0: MERGE into the previous segment */
  const char *labels[CEP_DEMO_MAX_LABELS];   /* interned HW1P2 symbols */
  gint64      start;
  gint64      end;                           /* exclusive */
} CepDemoSegment;

/* One label over [start, end). */
typedef struct
{
  const char *label;                         /* interned HW1P2 symbol */
  gint64      start;
  gint64      end;
} CepDemoSpan;

/* Tuning of the stop-closure rule (DEMO-DATA.md quirk 1). */
typedef struct
{
  double threshold_db;   /* a block is quiet this far under the loudest block: 45 */
  double max_ms;         /* longest run moved to the stop: 80 */
  double keep_ms;        /* the previous phoneme keeps at least this much: 10 */
  double block_ms;       /* RMS block length: 2 */
} CepDemoClosureOptions;

void     cep_demo_closure_options_init          (CepDemoClosureOptions        *options);

/* Segments (GArray of CepDemoSegment) covering [0, n_samples): the audio before the first
 * event is [SIL], each event lasts until the next one (or the end). Fails on an unknown
 * mnemonic and on events out of order or past the end (both name the mnemonic). */
GArray  *cep_demo_segments_from_events          (CepDemoArpabet               *table,
                                                 const CepDemoEvent           *events,
                                                 gsize                         n_events,
                                                 gint64                        n_samples,
                                                 GError                      **error);
/* An r-coloured vowel (A@ O@ o@ e@ i@3 U@) followed by r/r- keeps only its vowel label;
 * an r/r- after 3 3: aI3 aU3 aU@ is merged into the ER before it. */
void     cep_demo_segments_apply_context        (GArray                       *segments);
/* A zero-length segment that is not [SIL] takes the last 35 % of the segment before it
 * (post-vocalic l and a few others are emitted inside the preceding vowel). */
void     cep_demo_segments_fill_zero_length     (GArray                       *segments);
/* Spans (GArray of CepDemoSpan): two-label segments split 60/40 (35/65 when the first label
 * is AH), MERGE segments added to the span before them, empty spans dropped, neighbours with
 * one label joined. */
GArray  *cep_demo_segments_to_spans             (GArray                       *segments);

/* Gives a stop (P B T D K G CH JH) the quiet tail of the span before it -- the closure,
 * which espeak-ng emits before the stop's event -- unless that span is [SIL]. */
void     cep_demo_spans_give_closures_to_stops  (GArray                       *spans,
                                                 const gint16                 *samples,
                                                 gsize                         n_samples,
                                                 guint                         sample_rate,
                                                 const CepDemoClosureOptions  *options);
/* Shifts every span by @lead_in samples of prepended silence, which joins the first span
 * when that is [SIL] and becomes a [SIL] span of its own otherwise. */
void     cep_demo_spans_prepend_silence         (GArray                       *spans,
                                                 gint64                        lead_in);

/* Label of frame t = the span covering sample t * frame_shift + frame_length / 2 at
 * @frame_rate, mapped to @span_rate exactly (rational arithmetic). Spans must be sorted and
 * contiguous from 0. Returns @n_frames interned symbols (g_free the array), or NULL with an
 * error if a centre falls outside the spans. */
const char **cep_demo_spans_label_frames        (GArray                       *spans,
                                                 guint                         span_rate,
                                                 guint                         frame_rate,
                                                 guint                         frame_length,
                                                 guint                         frame_shift,
                                                 gsize                         n_frames,
                                                 GError                      **error);

G_END_DECLS
