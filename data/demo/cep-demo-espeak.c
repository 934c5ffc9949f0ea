/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-espeak.c: espeak-ng synthesis in a forked child per utterance (see the header for
 * why). The parent initializes the library and loads the en-us dictionary once, then only
 * forks; a child selects the voice and rate, synthesizes, writes
 *   status, sample rate, n_samples, n_events, samples, events   (or status, message)
 * to a pipe and exits with _exit(), so it never runs the parent's atexit handlers or flushes
 * its stdio buffers.
 */
#define G_LOG_DOMAIN "cepstra-demo-espeak"

#include "cep-demo-espeak.h"

#include <errno.h>
#include <espeak-ng/speak_lib.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

G_DEFINE_QUARK (cep-demo-espeak-error-quark, cep_demo_espeak_error)

/* Any fixed value: it only makes libc's rand() (breath noise) start from the same state. */
#define CHILD_RAND_SEED 1u

typedef struct
{
  gint32  status;        /* 0 or a CepDemoEspeakError */
  guint32 sample_rate;
  guint64 n_samples;     /* on error: the message length */
  guint64 n_events;
} ChildHeader;

typedef struct
{
  gboolean ok;
  int      sample_rate;
  char    *version;
} EspeakState;

static EspeakState espeak_state;

/* Filled by the synthesis callback; only ever used inside a child. */
static GArray *child_samples;
static GArray *child_events;

/* ---- initialization (parent) ---- */

static gpointer
initialize_once (gpointer data)
{
  const char *path = NULL;
  int rate = espeak_Initialize (AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL,
                                espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_DONT_EXIT);

  if (rate <= 0)
    return NULL;
  espeak_state.sample_rate = rate;
  espeak_state.version = g_strdup (espeak_Info (&path));
  /* Loading the language here once spares every child ~25 ms of dictionary loading. */
  espeak_state.ok = espeak_SetVoiceByName ("en-us") == EE_OK;
  return espeak_state.ok ? &espeak_state : NULL;
}

gboolean
cep_demo_espeak_init (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  if (g_once (&once, initialize_once, NULL) != NULL)
    return TRUE;
  g_set_error (error, CEP_DEMO_ESPEAK_ERROR, CEP_DEMO_ESPEAK_ERROR_INIT,
               "libespeak-ng could not be initialized with the en-us voice "
               "(is espeak-ng-data installed?)");
  return FALSE;
}

const char *
cep_demo_espeak_get_version (void)
{
  return espeak_state.ok ? espeak_state.version : NULL;
}

/* ---- pipe helpers ---- */

static gboolean
write_all (int         fd,
           const void *data,
           gsize       size)
{
  const char *bytes = data;

  while (size > 0)
    {
      ssize_t n = write (fd, bytes, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      bytes += n;
      size -= (gsize) n;
    }
  return TRUE;
}

static gboolean
read_all (int    fd,
          void  *data,
          gsize  size)
{
  char *bytes = data;

  while (size > 0)
    {
      ssize_t n = read (fd, bytes, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      bytes += n;
      size -= (gsize) n;
    }
  return TRUE;
}

/* ---- the child ---- */

static int
synth_callback (short        *wav,
                int           n_samples,
                espeak_EVENT *events)
{
  if (wav != NULL && n_samples > 0)
    g_array_append_vals (child_samples, wav, (guint) n_samples);
  for (; events != NULL && events->type != espeakEVENT_LIST_TERMINATED; events++)
    {
      CepDemoEvent event = { { 0 }, events->sample };

      if (events->type != espeakEVENT_PHONEME)
        continue;
      /* 8 bytes, NUL-terminated only when shorter */
      memcpy (event.mnemonic, events->id.string, CEP_DEMO_MNEMONIC_SIZE - 1);
      g_array_append_val (child_events, event);
    }
  return 0;
}

static void G_GNUC_NORETURN
child_fail (int         fd,
            int         status,
            const char *message)
{
  ChildHeader header = { status, 0, strlen (message), 0 };

  write_all (fd, &header, sizeof header);
  write_all (fd, message, header.n_samples);
  _exit (0);
}

/* espeak_SetVoiceByName() accepts "en-us+typo" as plain en-us, so a variant is looked up in
 * espeak-ng's variant list ("!v/m3", ...) first. */
static gboolean
variant_exists (const char *variant)
{
  espeak_VOICE spec = { 0 };
  const espeak_VOICE **voices;
  g_autofree char *identifier = g_strconcat ("!v/", variant, NULL);

  spec.languages = "variant";
  voices = espeak_ListVoices (&spec);
  for (guint i = 0; voices != NULL && voices[i] != NULL; i++)
    if (g_strcmp0 (voices[i]->identifier, identifier) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
select_voice (const char *voice)
{
  const char *plus = strchr (voice, '+');

  if (plus != NULL && !variant_exists (plus + 1))
    return FALSE;
  return espeak_SetVoiceByName (voice) == EE_OK;
}

static void G_GNUC_NORETURN
child_synthesize (int         fd,
                  const char *voice,
                  guint       rate,
                  const char *text)
{
  ChildHeader header = { 0, (guint32) espeak_state.sample_rate, 0, 0 };

  child_samples = g_array_new (FALSE, FALSE, sizeof (gint16));
  child_events = g_array_new (FALSE, FALSE, sizeof (CepDemoEvent));
  srand (CHILD_RAND_SEED);
  espeak_SetSynthCallback (synth_callback);
  if (!select_voice (voice))
    child_fail (fd, CEP_DEMO_ESPEAK_ERROR_VOICE, "unknown voice");
  if (espeak_SetParameter (espeakRATE, (int) rate, 0) != EE_OK
      || espeak_Synth (text, strlen (text) + 1, 0, POS_CHARACTER, 0,
                       espeakCHARS_UTF8 | espeakENDPAUSE, NULL, NULL) != EE_OK
      || espeak_Synchronize () != EE_OK)
    child_fail (fd, CEP_DEMO_ESPEAK_ERROR_SYNTH, "espeak_Synth failed");
  header.n_samples = child_samples->len;
  header.n_events = child_events->len;
  if (!write_all (fd, &header, sizeof header)
      || !write_all (fd, child_samples->data, child_samples->len * sizeof (gint16))
      || !write_all (fd, child_events->data, child_events->len * sizeof (CepDemoEvent)))
    _exit (1);
  _exit (0);
}

/* ---- the parent ---- */

static gboolean
read_speech (int             fd,
             CepDemoSpeech  *speech,
             int            *code,
             char          **message)
{
  ChildHeader header;

  if (!read_all (fd, &header, sizeof header))
    return FALSE;
  if (header.status != 0)
    {
      *code = header.status;
      *message = g_malloc0 (MIN (header.n_samples, 4096) + 1);
      read_all (fd, *message, MIN (header.n_samples, 4096));
      return FALSE;
    }
  speech->sample_rate = header.sample_rate;
  speech->n_samples = header.n_samples;
  speech->n_events = header.n_events;
  speech->samples = g_new (gint16, MAX (header.n_samples, 1));
  speech->events = g_new0 (CepDemoEvent, MAX (header.n_events, 1));
  return read_all (fd, speech->samples, header.n_samples * sizeof (gint16))
         && read_all (fd, speech->events, header.n_events * sizeof (CepDemoEvent));
}

/* One running child. */
typedef struct
{
  pid_t  pid;
  int    fd;        /* read end of the child's pipe */
  char  *voice;
  guint  rate;
  char  *text;
} CepDemoSynthesis;

static void
synthesis_reap (CepDemoSynthesis *synthesis,
                int              *status)
{
  if (synthesis->fd >= 0)
    close (synthesis->fd);
  synthesis->fd = -1;
  while (waitpid (synthesis->pid, status, 0) < 0 && errno == EINTR)
    ;
}

static void
synthesis_free (CepDemoSynthesis *synthesis)
{
  g_free (synthesis->voice);
  g_free (synthesis->text);
  g_free (synthesis);
}

static gboolean
check_rate (guint    rate,
            GError **error)
{
  if (rate >= CEP_DEMO_ESPEAK_MIN_RATE && rate <= CEP_DEMO_ESPEAK_MAX_RATE)
    return TRUE;
  g_set_error (error, CEP_DEMO_ESPEAK_ERROR, CEP_DEMO_ESPEAK_ERROR_RATE,
               "rate %u is outside %d..%d words per minute", rate,
               CEP_DEMO_ESPEAK_MIN_RATE, CEP_DEMO_ESPEAK_MAX_RATE);
  return FALSE;
}

static void
set_fork_error (GError **error)
{
  int saved = errno;

  g_set_error (error, CEP_DEMO_ESPEAK_ERROR, CEP_DEMO_ESPEAK_ERROR_SYNTH,
               "could not start a synthesis process: %s", g_strerror (saved));
}

static CepDemoSynthesis *
synthesis_start (const char  *voice,
                 guint        rate,
                 const char  *text,
                 GError     **error)
{
  CepDemoSynthesis *synthesis;
  int fds[2];
  pid_t pid;

  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      set_fork_error (error);
      return NULL;
    }
  if ((pid = fork ()) < 0)
    {
      set_fork_error (error);
      close (fds[0]);
      close (fds[1]);
      return NULL;
    }
  if (pid == 0)
    {
      close (fds[0]);
      child_synthesize (fds[1], voice, rate, text);
    }
  close (fds[1]);
  synthesis = g_new0 (CepDemoSynthesis, 1);
  *synthesis = (CepDemoSynthesis) { pid, fds[0], g_strdup (voice), rate, g_strdup (text) };
  return synthesis;
}

static void
set_synthesis_error (const CepDemoSynthesis  *synthesis,
                     int                      code,
                     const char              *message,
                     GError                 **error)
{
  if (code == CEP_DEMO_ESPEAK_ERROR_VOICE)
    g_set_error (error, CEP_DEMO_ESPEAK_ERROR, CEP_DEMO_ESPEAK_ERROR_VOICE,
                 "espeak-ng has no voice '%s'", synthesis->voice);
  else
    g_set_error (error, CEP_DEMO_ESPEAK_ERROR, CEP_DEMO_ESPEAK_ERROR_SYNTH,
                 "espeak-ng failed to speak \"%s\" with %s at %u wpm: %s", synthesis->text,
                 synthesis->voice, synthesis->rate,
                 message != NULL ? message : "no audio, no phoneme events, or the child died");
}

/* Reads the child's answer and reaps it; frees @synthesis either way. */
static CepDemoSpeech *
synthesis_finish (CepDemoSynthesis  *synthesis,
                  GError           **error)
{
  g_autoptr(CepDemoSpeech) speech = g_new0 (CepDemoSpeech, 1);
  g_autofree char *message = NULL;
  int code = CEP_DEMO_ESPEAK_ERROR_SYNTH;
  int status = 0;
  gboolean ok;

  ok = read_speech (synthesis->fd, speech, &code, &message);
  synthesis_reap (synthesis, &status);
  ok = ok && WIFEXITED (status) && WEXITSTATUS (status) == 0
       && speech->n_samples > 0 && speech->n_events > 0;
  if (!ok)
    set_synthesis_error (synthesis, code, message, error);
  synthesis_free (synthesis);
  return ok ? g_steal_pointer (&speech) : NULL;
}

CepDemoSpeech *
cep_demo_espeak_synthesize (const char  *voice,
                            guint        rate,
                            const char  *text,
                            GError     **error)
{
  CepDemoSynthesis *synthesis;

  g_return_val_if_fail (voice != NULL && text != NULL, NULL);
  if (!cep_demo_espeak_init (error) || !check_rate (rate, error)
      || (synthesis = synthesis_start (voice, rate, text, error)) == NULL)
    return NULL;
  return synthesis_finish (synthesis, error);
}

gboolean
cep_demo_espeak_has_voice (const char *voice)
{
  pid_t pid;
  int status = 0;

  if (!cep_demo_espeak_init (NULL))
    return FALSE;
  if ((pid = fork ()) < 0)
    return FALSE;
  if (pid == 0)
    _exit (select_voice (voice) ? 0 : 1);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

void
cep_demo_speech_free (CepDemoSpeech *speech)
{
  if (speech == NULL)
    return;
  g_free (speech->samples);
  g_free (speech->events);
  g_free (speech);
}
