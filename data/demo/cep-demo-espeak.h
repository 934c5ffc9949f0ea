/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-espeak.h: synthesizing one utterance with libespeak-ng, with its phoneme events.
 *
 * Owns every call into espeak-ng. espeak-ng 1.51 carries synthesis state from one call to the
 * next (the pitch-flutter phase, the automatic gain, libc's rand()) and has no way to reset
 * it, so the same text twice gives different samples. To make each utterance a pure function
 * of (voice, rate, text), the library is initialized once per process and never synthesizes
 * in it: every utterance is synthesized in a forked child that starts from that pristine state
 * and sends its samples and events back through a pipe.
 */
#pragma once

#include <glib.h>

#include "cep-demo-labels.h"

G_BEGIN_DECLS

#define CEP_DEMO_ESPEAK_ERROR (cep_demo_espeak_error_quark ())
GQuark cep_demo_espeak_error_quark (void);

typedef enum
{
  CEP_DEMO_ESPEAK_ERROR_INIT,    /* libespeak-ng could not start (no data files?) */
  CEP_DEMO_ESPEAK_ERROR_VOICE,   /* unknown voice */
  CEP_DEMO_ESPEAK_ERROR_RATE,    /* rate outside 80..300 words per minute */
  CEP_DEMO_ESPEAK_ERROR_SYNTH,   /* synthesis failed, produced nothing, or the child died */
} CepDemoEspeakError;

/* espeak-ng 1.51 places events past the end of the audio above this rate. */
#define CEP_DEMO_ESPEAK_MAX_RATE 300
#define CEP_DEMO_ESPEAK_MIN_RATE 80

typedef struct
{
  gint16       *samples;      /* mono, int16 */
  gsize         n_samples;
  guint         sample_rate;  /* 22050 for every espeak-ng voice */
  CepDemoEvent *events;       /* phoneme events in order */
  gsize         n_events;
} CepDemoSpeech;

/* Initializes libespeak-ng once per process (later calls return the first result). */
gboolean       cep_demo_espeak_init        (GError      **error);
/* "1.51"; NULL before a successful init. */
const char    *cep_demo_espeak_get_version (void);
/* TRUE if @voice (e.g. "en-us+m3") can be selected; for tests that skip without voices. */
gboolean       cep_demo_espeak_has_voice   (const char   *voice);

/* Speaks @text (UTF-8) with @voice at @rate words per minute, with espeak-ng's end pause. */
CepDemoSpeech *cep_demo_espeak_synthesize  (const char   *voice,
                                            guint         rate,
                                            const char   *text,
                                            GError      **error);
void           cep_demo_speech_free        (CepDemoSpeech *speech);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepDemoSpeech, cep_demo_speech_free)

G_END_DECLS
