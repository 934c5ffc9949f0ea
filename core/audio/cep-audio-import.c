/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-audio-import.c: audio files and label tracks into mfcc/ and transcript/ .npy files.
 *
 * Alignments are Audacity label tracks: one "start end label" line per segment (times in
 * seconds, fields separated by tabs or spaces), '#' comments, blank lines, and Audacity's
 * spectral-selection lines (starting with a backslash) ignored. Segments are half-open
 * [start, end), in order and not overlapping; frame t takes the label of the segment holding
 * its centre sample (cep_mfcc_get_frame_start (t) + frame length / 2). A frame whose centre
 * no segment holds is an error, not silently silence: a table need not have a silence class,
 * and a gap usually means a label track that does not match its audio.
 *
 * It must not decode audio or compute features itself (cep-audio-file, cep-mfcc do that).
 */
#define G_LOG_DOMAIN "cepstra-audio-import"

#include "cep-audio-import.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cep-audio-file.h"
#include "cep-npy.h"

static const char * const audio_extensions[] = { ".wav", ".flac", ".ogg" };
static const char * const alignment_extensions[] = { ".lab", ".tsv" };

float *
cep_audio_compute_mfcc_file (const char            *path,
                             const CepMfccOptions  *options,
                             gsize                 *n_frames,
                             GError               **error)
{
  g_autoptr (CepMfcc) mfcc = NULL;
  g_autoptr (CepAudio) audio = NULL;
  float *features;

  g_return_val_if_fail (path != NULL && options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mfcc = cep_mfcc_new (options, error);
  if (mfcc == NULL)
    return NULL;
  if (options->sample_rate != floor (options->sample_rate))
    {
      g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_FORMAT,
                   "%s: cannot resample to a fractional rate of %g Hz", path,
                   options->sample_rate);
      return NULL;
    }
  audio = cep_audio_load (path, (guint) options->sample_rate, error);
  if (audio == NULL)
    return NULL;
  features = cep_mfcc_compute (mfcc, audio->samples, audio->n_samples, n_frames, error);
  if (features == NULL)
    g_prefix_error (error, "%s: ", path);
  return features;
}

/* ---------------------------------------------------------------------------------------- */
/* Alignments                                                                                 */

typedef struct
{
  double start;
  double end;
  int    id;
} CepSegment;

static gboolean
alignment_fail (GError     **error,
                const char  *path,
                guint        line,
                const char  *format,
                ...) G_GNUC_PRINTF (4, 5);

static gboolean
alignment_fail (GError     **error,
                const char  *path,
                guint        line,
                const char  *format,
                ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (line > 0)
    g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_ALIGNMENT, "%s:%u: %s", path, line,
                 message);
  else
    g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_ALIGNMENT, "%s: %s", path, message);
  return FALSE;
}

/* A non-negative finite number of seconds; advances @cursor past it. */
static gboolean
parse_seconds (const char **cursor,
               double      *seconds)
{
  char *end = NULL;

  *seconds = g_ascii_strtod (*cursor, &end);
  if (end == *cursor || !isfinite (*seconds) || *seconds < 0.0)
    return FALSE;
  if (*end != '\0' && !g_ascii_isspace (*end))
    return FALSE;
  *cursor = end;
  return TRUE;
}

static gboolean
parse_label_line (const char       *text,
                  const char       *path,
                  guint             line,
                  CepPhonemeTable  *table,
                  CepSegment       *segment,
                  GError          **error)
{
  const char *cursor = text;
  g_autofree char *label = NULL;

  if (!parse_seconds (&cursor, &segment->start) || !parse_seconds (&cursor, &segment->end))
    return alignment_fail (error, path, line,
                           "expected \"start<TAB>end<TAB>label\" with times in seconds, got "
                           "\"%s\"", text);
  label = g_strstrip (g_strdup (cursor));
  if (label[0] == '\0')
    return alignment_fail (error, path, line, "segment has no label");
  if (segment->end < segment->start)
    return alignment_fail (error, path, line, "segment ends (%g s) before it starts (%g s)",
                           segment->end, segment->start);
  segment->id = cep_phoneme_table_lookup (table, label, -1);
  if (segment->id < 0)
    return alignment_fail (error, path, line, "unknown phoneme '%s'", label);
  if (!cep_phoneme_table_is_target (table, (guint) segment->id))
    return alignment_fail (error, path, line, "'%s' is a boundary token, not a frame label",
                           label);
  return TRUE;
}

static gboolean
is_ignored_line (const char *text)
{
  return text[0] == '\0' || text[0] == '#' || text[0] == '\\';
}

static gboolean
check_order (const char        *path,
             guint              line,
             GArray            *segments,
             const CepSegment  *segment,
             GError           **error)
{
  const CepSegment *previous;

  if (segments->len == 0)
    return TRUE;
  previous = &g_array_index (segments, CepSegment, segments->len - 1);
  if (segment->start >= previous->end)
    return TRUE;
  return alignment_fail (error, path, line, "segment starts at %g s, before the previous one "
                         "ends (%g s)", segment->start, previous->end);
}

/* Parses all segments, checking that they come in time order without overlapping. */
static GArray *
read_segments (const char       *path,
               CepPhonemeTable  *table,
               GError          **error)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  GArray *segments;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  segments = g_array_new (FALSE, FALSE, sizeof (CepSegment));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *text = g_strstrip (lines[i]);
      CepSegment segment;

      if (is_ignored_line (text))
        continue;
      if (!parse_label_line (text, path, i + 1, table, &segment, error)
          || !check_order (path, i + 1, segments, &segment, error))
        {
          g_array_free (segments, TRUE);
          return NULL;
        }
      g_array_append_val (segments, segment);
    }
  if (segments->len == 0)
    {
      alignment_fail (error, path, 0, "no labels");
      g_array_free (segments, TRUE);
      return NULL;
    }
  return segments;
}

/* Segments are sorted, so one forward walk over both frames and segments suffices. */
static char **
label_frames (const char       *path,
              GArray           *segments,
              CepMfcc          *mfcc,
              gsize             n_frames,
              CepPhonemeTable  *table,
              GError          **error)
{
  const CepMfccOptions *options = cep_mfcc_get_options (mfcc);
  gsize half_length = cep_mfcc_get_frame_length (mfcc) / 2;
  char **labels = g_new0 (char *, n_frames + 1);
  guint s = 0;

  for (gsize t = 0; t < n_frames; t++)
    {
      gint64 centre = cep_mfcc_get_frame_start (mfcc, t) + (gint64) half_length;
      double time = (double) centre / options->sample_rate;
      const CepSegment *segment;

      while (s < segments->len && g_array_index (segments, CepSegment, s).end <= time)
        s++;
      segment = s < segments->len ? &g_array_index (segments, CepSegment, s) : NULL;
      if (segment == NULL || time < segment->start)
        {
          alignment_fail (error, path, 0, "frame %zu (centre %.4f s) is not covered by any "
                          "label", t, time);
          g_strfreev (labels);
          return NULL;
        }
      labels[t] = g_strdup (cep_phoneme_table_get_name (table, (guint) segment->id));
    }
  return labels;
}

char **
cep_audio_read_alignment (const char            *path,
                          const CepMfccOptions  *options,
                          gsize                  n_frames,
                          CepPhonemeTable       *table,
                          GError               **error)
{
  g_autoptr (CepMfcc) mfcc = NULL;
  GArray *segments;
  char **labels;

  g_return_val_if_fail (path != NULL && options != NULL, NULL);
  g_return_val_if_fail (CEP_IS_PHONEME_TABLE (table), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mfcc = cep_mfcc_new (options, error);
  if (mfcc == NULL)
    return NULL;
  segments = read_segments (path, table, error);
  if (segments == NULL)
    return NULL;
  labels = label_frames (path, segments, mfcc, n_frames, table, error);
  g_array_free (segments, TRUE);
  return labels;
}

/* ---------------------------------------------------------------------------------------- */
/* Folder import                                                                              */

static gboolean
has_extension (const char         *name,
               const char * const *extensions,
               gsize               n_extensions)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (gsize i = 0; i < n_extensions; i++)
    if (g_str_has_suffix (lower, extensions[i]) && strlen (lower) > strlen (extensions[i]))
      return TRUE;
  return FALSE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Audio file names in @dir, sorted bytewise (the order partitions use). */
static GPtrArray *
list_audio_files (const char  *dir,
                  GError     **error)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, error);
  GPtrArray *names;
  const char *name;

  if (handle == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (handle)) != NULL)
    if (name[0] != '.' && has_extension (name, audio_extensions,
                                         G_N_ELEMENTS (audio_extensions)))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  if (names->len == 0)
    {
      g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_OPEN,
                   "%s: no audio files (.wav, .flac, .ogg)", dir);
      g_ptr_array_unref (names);
      return NULL;
    }
  return names;
}

static char *
strip_extension (const char *name)
{
  const char *dot = strrchr (name, '.');

  return g_strndup (name, dot != NULL ? (gsize) (dot - name) : strlen (name));
}

/* Two files that differ only in extension would write the same mfcc/NAME.npy. */
static gboolean
check_unique_stems (const char  *dir,
                    GPtrArray   *names,
                    GError     **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < names->len; i++)
    {
      char *stem = strip_extension (names->pdata[i]);
      const char *other = g_hash_table_lookup (seen, stem);

      if (other != NULL)
        {
          g_set_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_OPEN,
                       "%s: %s and %s would both become %s.npy", dir, other,
                       (const char *) names->pdata[i], stem);
          g_free (stem);
          return FALSE;
        }
      g_hash_table_insert (seen, stem, names->pdata[i]);
    }
  return TRUE;
}

static gboolean
make_folder (const char  *path,
             GError     **error)
{
  int saved_errno;

  if (g_mkdir_with_parents (path, 0755) == 0)
    return TRUE;
  saved_errno = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "%s: cannot create folder: %s", path, g_strerror (saved_errno));
  return FALSE;
}

/* NAME.lab or NAME.tsv next to the audio file, or NULL. */
static char *
find_alignment (const char *audio_dir,
                const char *stem)
{
  for (gsize i = 0; i < G_N_ELEMENTS (alignment_extensions); i++)
    {
      g_autofree char *name = g_strconcat (stem, alignment_extensions[i], NULL);
      char *path = g_build_filename (audio_dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;
      g_free (path);
    }
  return NULL;
}

typedef struct
{
  const char           *audio_dir;
  const char           *partition_dir;
  const CepMfccOptions *options;
  CepPhonemeTable      *table;      /* created on the first alignment when none was given */
} CepImportJob;

static gboolean
write_transcript (const CepImportJob  *job,
                  const char          *alignment,
                  const char          *stem,
                  gsize                n_frames,
                  GError             **error)
{
  g_auto (GStrv) labels = NULL;
  g_autofree char *folder = g_build_filename (job->partition_dir, "transcript", NULL);
  g_autofree char *name = g_strconcat (stem, ".npy", NULL);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  const char **tokens;
  gboolean ok;

  labels = cep_audio_read_alignment (alignment, job->options, n_frames, job->table, error);
  if (labels == NULL || !make_folder (folder, error))
    return FALSE;
  tokens = g_new (const char *, n_frames + 2);
  tokens[0] = "[SOS]";
  for (gsize t = 0; t < n_frames; t++)
    tokens[t + 1] = labels[t];
  tokens[n_frames + 1] = "[EOS]";
  ok = cep_npy_write_strings (path, tokens, n_frames + 2, error);
  g_free (tokens);
  return ok;
}

static gboolean
import_one (CepImportJob  *job,
            const char    *file_name,
            GError       **error)
{
  g_autofree char *audio_path = g_build_filename (job->audio_dir, file_name, NULL);
  g_autofree char *stem = strip_extension (file_name);
  g_autofree char *npy_name = g_strconcat (stem, ".npy", NULL);
  g_autofree char *mfcc_path = g_build_filename (job->partition_dir, "mfcc", npy_name, NULL);
  g_autofree char *alignment = find_alignment (job->audio_dir, stem);
  g_autofree float *features = NULL;
  gsize shape[2] = { 0, job->options->num_ceps };

  features = cep_audio_compute_mfcc_file (audio_path, job->options, &shape[0], error);
  if (features == NULL)
    return FALSE;
  if (!cep_npy_write_float32 (mfcc_path, features, 2, shape, error))
    return FALSE;
  if (alignment == NULL)
    return TRUE;
  if (job->table == NULL)
    job->table = cep_phoneme_table_new_default ();
  return write_transcript (job, alignment, stem, shape[0], error);
}

gboolean
cep_audio_import_folder (const char            *audio_dir,
                         const char            *partition_dir,
                         const CepMfccOptions  *options,
                         CepPhonemeTable       *table,
                         GCancellable          *cancellable,
                         void                 (*progress) (gsize done,
                                                           gsize total,
                                                           gpointer data),
                         gpointer               progress_data,
                         GError               **error)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autofree char *mfcc_dir = NULL;
  CepImportJob job = { audio_dir, partition_dir, options, NULL };
  gboolean ok = TRUE;

  g_return_val_if_fail (audio_dir != NULL && partition_dir != NULL && options != NULL, FALSE);
  g_return_val_if_fail (table == NULL || CEP_IS_PHONEME_TABLE (table), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  names = list_audio_files (audio_dir, error);
  if (names == NULL || !check_unique_stems (audio_dir, names, error))
    return FALSE;
  mfcc_dir = g_build_filename (partition_dir, "mfcc", NULL);
  if (!make_folder (mfcc_dir, error))
    return FALSE;
  job.table = table != NULL ? g_object_ref (table) : NULL;
  for (guint i = 0; ok && i < names->len; i++)
    {
      ok = !g_cancellable_set_error_if_cancelled (cancellable, error)
           && import_one (&job, names->pdata[i], error);
      if (ok && progress != NULL)
        progress (i + 1, names->len, progress_data);
    }
  g_clear_object (&job.table);
  return ok;
}
