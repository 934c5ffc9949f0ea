/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-generator.c: one utterance at a time, prompt -> speech -> spans -> features and
 * frame labels -> .npy files, then the manifest.
 *
 * The recipe's numbers live in the option structs of the modules it calls (labels, signal)
 * and in the default MFCC options; this file only sequences them and names files.
 */
#define G_LOG_DOMAIN "cepstra-demo"

#include "cep-demo-generator.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cep-demo-arpabet.h"
#include "cep-demo-espeak.h"
#include "cep-demo-labels.h"
#include "cep-demo-prompts.h"
#include "cep-demo-signal.h"
#include "cep-mfcc.h"
#include "cep-npy.h"
#include "cep-resampler.h"

G_DEFINE_QUARK (cep-demo-error-quark, cep_demo_error)

#define MANIFEST_COLUMNS "name\tpartition\tvoice\trate\tseed\tframes\tlead_in_ms\tnoise_db\ttext"

typedef struct
{
  const char            *out_dir;
  CepDemoArpabet        *table;
  CepMfcc               *mfcc;
  CepResampler          *resampler;    /* speech rate -> MFCC rate, made for the first utterance */
  guint                  speech_rate;
  CepDemoClosureOptions  closure;
  CepDemoSignalOptions   signal;
  GString               *manifest;
} Generator;

typedef struct
{
  float               *features;     /* n_frames x dim */
  gsize                n_frames;
  guint                dim;
  const char         **labels;       /* n_frames interned symbols */
  CepDemoSignalParams  params;
} Utterance;

void
cep_demo_options_init (CepDemoOptions *options)
{
  g_return_if_fail (options != NULL);
  options->prompts_path = NULL;
  options->seed = CEP_DEMO_DEFAULT_SEED;
  options->max_utterances = 0;
}

static void
utterance_clear (Utterance *utterance)
{
  g_clear_pointer (&utterance->features, g_free);
  g_clear_pointer (&utterance->labels, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Utterance, utterance_clear)

static void
generator_clear (Generator *generator)
{
  g_clear_pointer (&generator->table, cep_demo_arpabet_free);
  g_clear_pointer (&generator->mfcc, cep_mfcc_free);
  g_clear_pointer (&generator->resampler, cep_resampler_free);
  if (generator->manifest != NULL)
    g_string_free (generator->manifest, TRUE);
  generator->manifest = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Generator, generator_clear)

static gboolean
generator_init (Generator   *generator,
                const char  *out_dir,
                GError     **error)
{
  CepMfccOptions mfcc_options;

  generator->out_dir = out_dir;
  cep_mfcc_options_init (&mfcc_options);
  cep_demo_closure_options_init (&generator->closure);
  cep_demo_signal_options_init (&generator->signal);
  if (!cep_demo_espeak_init (error)
      || (generator->table = cep_demo_arpabet_new_default (error)) == NULL
      || (generator->mfcc = cep_mfcc_new (&mfcc_options, error)) == NULL)
    return FALSE;
  generator->manifest = g_string_new (NULL);
  g_string_append_printf (generator->manifest,
                          "# Cepstra demo dataset: synthetic speech, see README.md. "
                          "Made by `cepstra-cli make-demo`.\n"
                          "# espeak-ng\t%s\n" MANIFEST_COLUMNS "\n",
                          cep_demo_espeak_get_version ());
  return TRUE;
}

/* ---- one utterance ---- */

static GArray *
speech_to_spans (Generator            *generator,
                 const CepDemoSpeech  *speech,
                 GError              **error)
{
  g_autoptr(GArray) segments = cep_demo_segments_from_events (generator->table, speech->events,
                                                              speech->n_events,
                                                              (gint64) speech->n_samples,
                                                              error);
  GArray *spans;

  if (segments == NULL)
    return NULL;
  cep_demo_segments_apply_context (segments);
  cep_demo_segments_fill_zero_length (segments);
  spans = cep_demo_segments_to_spans (segments);
  cep_demo_spans_give_closures_to_stops (spans, speech->samples, speech->n_samples,
                                         speech->sample_rate, &generator->closure);
  return spans;
}

static gboolean
compute_features (Generator    *generator,
                  const float  *signal,
                  gsize         n_samples,
                  Utterance    *utterance,
                  GError      **error)
{
  g_autofree float *resampled = NULL;
  gsize n_resampled;

  n_resampled = cep_resampler_get_n_output (generator->resampler, n_samples);
  resampled = g_new (float, MAX (n_resampled, 1));
  cep_resampler_process (generator->resampler, signal, n_samples, resampled);
  utterance->dim = cep_mfcc_get_options (generator->mfcc)->num_ceps;
  utterance->features = cep_mfcc_compute (generator->mfcc, resampled, n_resampled,
                                          &utterance->n_frames, error);
  return utterance->features != NULL;
}

static gboolean
label_frames (Generator  *generator,
              GArray     *spans,
              Utterance  *utterance,
              GError    **error)
{
  const CepMfccOptions *options = cep_mfcc_get_options (generator->mfcc);
  guint rate = (guint) options->sample_rate;
  guint length = (guint) llround (options->sample_rate * options->frame_length_ms / 1000.0);
  guint shift = (guint) llround (options->sample_rate * options->frame_shift_ms / 1000.0);

  utterance->labels = cep_demo_spans_label_frames (spans, generator->speech_rate, rate, length,
                                                   shift, utterance->n_frames, error);
  return utterance->labels != NULL;
}

static gboolean
prepare_resampler (Generator  *generator,
                   guint       speech_rate)
{
  if (generator->resampler != NULL)
    return speech_rate == generator->speech_rate;
  generator->speech_rate = speech_rate;
  generator->resampler = cep_resampler_new (speech_rate,
                                            (guint) cep_mfcc_get_options (generator->mfcc)
                                              ->sample_rate);
  return TRUE;
}

static gboolean
make_utterance (Generator            *generator,
                const CepDemoPrompt  *prompt,
                guint64               seed,
                Utterance            *utterance,
                GError              **error)
{
  g_autoptr(CepDemoSpeech) speech = NULL;
  g_autoptr(GArray) spans = NULL;
  g_autofree float *signal = NULL;
  double rms;

  speech = cep_demo_espeak_synthesize (prompt->voice, prompt->rate, prompt->text, error);
  if (speech == NULL || (spans = speech_to_spans (generator, speech, error)) == NULL)
    return FALSE;
  if (!prepare_resampler (generator, speech->sample_rate))
    {
      g_set_error (error, CEP_DEMO_ERROR, CEP_DEMO_ERROR_UTTERANCE,
                   "voice %s speaks at %u Hz, the others at %u Hz", prompt->voice,
                   speech->sample_rate, generator->speech_rate);
      return FALSE;
    }
  cep_demo_signal_draw_params (&generator->signal, seed, speech->sample_rate,
                               &utterance->params);
  rms = cep_demo_signal_speech_rms (speech->samples, speech->n_samples, spans);
  signal = cep_demo_signal_assemble (speech->samples, speech->n_samples, &utterance->params,
                                     rms, seed);
  cep_demo_spans_prepend_silence (spans, utterance->params.lead_in);
  return compute_features (generator, signal,
                           speech->n_samples + (gsize) utterance->params.lead_in, utterance,
                           error)
         && label_frames (generator, spans, utterance, error);
}

/* ---- files ---- */

static gboolean
make_folder (const char  *path,
             GError     **error)
{
  if (g_mkdir_with_parents (path, 0755) == 0)
    return TRUE;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
               "%s: could not create the folder: %s", path, g_strerror (errno));
  return FALSE;
}

static gboolean
write_transcript (const char       *folder,
                  const char       *name,
                  const Utterance  *utterance,
                  GError          **error)
{
  g_autofree char *path = g_build_filename (folder, "transcript", name, NULL);
  g_autofree const char **strings = g_new (const char *, utterance->n_frames + 2);

  strings[0] = "[SOS]";
  memcpy (strings + 1, utterance->labels, utterance->n_frames * sizeof (char *));
  strings[utterance->n_frames + 1] = "[EOS]";
  return cep_npy_write_strings (path, strings, utterance->n_frames + 2, error);
}

static gboolean
write_utterance (Generator            *generator,
                 const CepDemoPrompt  *prompt,
                 const Utterance      *utterance,
                 GError              **error)
{
  g_autofree char *folder = g_build_filename (generator->out_dir, prompt->partition, NULL);
  g_autofree char *mfcc_folder = g_build_filename (folder, "mfcc", NULL);
  g_autofree char *transcript_folder = g_build_filename (folder, "transcript", NULL);
  g_autofree char *name = g_strconcat (prompt->id, ".npy", NULL);
  g_autofree char *mfcc_path = g_build_filename (mfcc_folder, name, NULL);
  gboolean labelled = cep_demo_partition_is_labelled (prompt->partition);
  gsize shape[2] = { utterance->n_frames, utterance->dim };

  if (!make_folder (mfcc_folder, error)
      || (labelled && !make_folder (transcript_folder, error))
      || !cep_npy_write_float32 (mfcc_path, utterance->features, 2, shape, error))
    return FALSE;
  return !labelled || write_transcript (folder, name, utterance, error);
}

static void
manifest_append (Generator            *generator,
                 const CepDemoPrompt  *prompt,
                 guint64               seed,
                 const Utterance      *utterance)
{
  char lead_in[G_ASCII_DTOSTR_BUF_SIZE];
  char noise[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (lead_in, sizeof lead_in, "%.1f",
                   1000.0 * (double) utterance->params.lead_in / generator->speech_rate);
  g_ascii_formatd (noise, sizeof noise, "%.2f", utterance->params.noise_db);
  g_string_append_printf (generator->manifest,
                          "%s\t%s\t%s\t%u\t%" G_GUINT64_FORMAT "\t%" G_GSIZE_FORMAT
                          "\t%s\t%s\t%s\n",
                          prompt->id, prompt->partition, prompt->voice, prompt->rate, seed,
                          utterance->n_frames, lead_in, noise, prompt->text);
}

static gboolean
write_manifest (Generator  *generator,
                GError    **error)
{
  g_autofree char *path = g_build_filename (generator->out_dir, "manifest.tsv", NULL);

  return g_file_set_contents (path, generator->manifest->str, (gssize) generator->manifest->len,
                              error);
}

/* ---- the run ---- */

static gboolean
is_unknown_phoneme (const GError *error)
{
  return g_error_matches (error, CEP_DEMO_ARPABET_ERROR, CEP_DEMO_ARPABET_ERROR_UNKNOWN);
}

/* FALSE only on errors that end the run; an utterance with an unknown phoneme is dropped. */
static gboolean
generate_one (Generator            *generator,
              const CepDemoPrompt  *prompt,
              guint64               seed,
              GError              **error)
{
  g_auto(Utterance) utterance = { 0 };
  g_autoptr(GError) local_error = NULL;

  if (make_utterance (generator, prompt, seed, &utterance, &local_error))
    {
      manifest_append (generator, prompt, seed, &utterance);
      return write_utterance (generator, prompt, &utterance, error);
    }
  if (is_unknown_phoneme (local_error))
    {
      g_warning ("%s: dropped, not written: %s", prompt->id, local_error->message);
      return TRUE;
    }
  g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", prompt->id);
  return FALSE;
}

gboolean
cep_demo_generate (const CepDemoOptions  *options,
                   const char            *out_dir,
                   GCancellable          *cancellable,
                   CepProgressFunc        progress,
                   gpointer               progress_data,
                   GError               **error)
{
  g_auto(Generator) generator = { 0 };
  g_autoptr(GPtrArray) prompts = NULL;
  guint total;

  g_return_val_if_fail (options != NULL && out_dir != NULL, FALSE);
  if ((prompts = cep_demo_prompts_load (options->prompts_path, error)) == NULL
      || !generator_init (&generator, out_dir, error) || !make_folder (out_dir, error))
    return FALSE;
  total = options->max_utterances > 0 ? MIN (options->max_utterances, prompts->len)
                                      : prompts->len;
  if (total == 0)
    {
      g_set_error (error, CEP_DEMO_ERROR, CEP_DEMO_ERROR_EMPTY, "the prompt list is empty");
      return FALSE;
    }
  for (guint i = 0; i < total; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error)
          || !generate_one (&generator, g_ptr_array_index (prompts, i), options->seed + i,
                            error))
        return FALSE;
      if (progress != NULL)
        progress (i + 1, total, progress_data);
    }
  return write_manifest (&generator, error);
}
