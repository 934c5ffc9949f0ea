/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-partition-scan.c: lists a partition's mfcc/ and transcript/ folders and pairs them.
 *
 * Owns the naming rules: a file belongs to a partition when its name ends in ".npy" (any letter
 * case) and does not start with '.' (editor backups and macOS "._x.npy" sidecars are ignored);
 * the utterance name is the file name without the extension; utterances are in file-name
 * order (strcmp, as Python's sorted() orders the names HW1P2 notebooks load). Two files in one
 * folder whose utterance names are equal after Unicode normalization and case folding (x.npy
 * and x.NPY, A.npy and a.npy) would collide on a case-insensitive file system and in anything
 * keyed by name, and nothing tells which one is meant: both are refused as duplicates.
 * Pairing is by the exact name. It must not open any .npy file.
 */
#define G_LOG_DOMAIN "cepstra-partition"

#include "cep-partition-private.h"

#include <string.h>

typedef struct
{
  const char *folder_name;  /* "mfcc" or "transcript" */
  GPtrArray  *files;        /* file names, strcmp order */
  GPtrArray  *stems;        /* utterance names, same order */
  GHashTable *by_stem;      /* stem -> index + 1 of its first file */
  GArray     *duplicate_of; /* per file: index + 1 of another file with the same folded name */
} Listing;

static void
listing_clear (Listing *listing)
{
  g_clear_pointer (&listing->files, g_ptr_array_unref);
  g_clear_pointer (&listing->stems, g_ptr_array_unref);
  g_clear_pointer (&listing->by_stem, g_hash_table_unref);
  g_clear_pointer (&listing->duplicate_of, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Listing, listing_clear)

static gboolean
is_npy_name (const char *name)
{
  gsize length = strlen (name);

  return name[0] != '.' && length > 4 && g_ascii_strcasecmp (name + length - 4, ".npy") == 0;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The key under which two names count as the same utterance. */
static char *
folded_name (const char *stem)
{
  if (!g_utf8_validate (stem, -1, NULL))
    return g_strdup (stem);

  g_autofree char *normalized = g_utf8_normalize (stem, -1, G_NORMALIZE_DEFAULT);
  return g_utf8_casefold (normalized, -1);
}

static GPtrArray *
read_npy_names (const char  *path,
                GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  GPtrArray *names;
  const char *name;

  if (dir == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_npy_name (name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

static void
listing_index (Listing *listing)
{
  g_autoptr(GHashTable) by_folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           NULL);
  guint n = listing->files->len;

  listing->stems = g_ptr_array_new_full (n, g_free);
  listing->by_stem = g_hash_table_new (g_str_hash, g_str_equal);
  listing->duplicate_of = g_array_sized_new (FALSE, TRUE, sizeof (guint), n);
  g_array_set_size (listing->duplicate_of, n);

  for (guint i = 0; i < n; i++)
    {
      const char *file = g_ptr_array_index (listing->files, i);
      char *stem = g_strndup (file, strlen (file) - 4);
      char *folded = folded_name (stem);
      guint first = GPOINTER_TO_UINT (g_hash_table_lookup (by_folded, folded));

      g_ptr_array_add (listing->stems, stem);
      if (!g_hash_table_contains (listing->by_stem, stem))
        g_hash_table_insert (listing->by_stem, stem, GUINT_TO_POINTER (i + 1));
      if (first == 0)
        {
          g_hash_table_insert (by_folded, folded, GUINT_TO_POINTER (i + 1));
          continue;
        }
      g_free (folded);
      g_array_index (listing->duplicate_of, guint, i) = first;
      if (g_array_index (listing->duplicate_of, guint, first - 1) == 0)
        g_array_index (listing->duplicate_of, guint, first - 1) = i + 1;
    }
}

static gboolean
listing_read (Listing     *listing,
              const char  *partition_folder,
              const char  *folder_name,
              GError     **error)
{
  g_autofree char *path = g_build_filename (partition_folder, folder_name, NULL);

  listing->folder_name = folder_name;
  listing->files = read_npy_names (path, error);
  if (listing->files == NULL)
    return FALSE;
  listing_index (listing);
  return TRUE;
}

static const char *
listing_file (const Listing *listing,
              guint          index)
{
  return g_ptr_array_index (listing->files, index);
}

static guint
listing_duplicate_of (const Listing *listing,
                      guint          index)
{
  return g_array_index (listing->duplicate_of, guint, index);
}

/* Index + 1 of the file called @stem, or 0. */
static guint
listing_find (const Listing *listing,
              const char    *stem)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (listing->by_stem, stem));
}

G_GNUC_PRINTF (5, 6)
static void
report (CepPartitionLoad  *load,
        CepPartitionError  code,
        const char        *folder_name,
        const char        *file,
        const char        *format,
        ...)
{
  g_autofree char *relative = g_build_filename (folder_name, file, NULL);
  g_autofree char *problem = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);
  error = g_error_new (CEP_PARTITION_ERROR, code, "%s/%s: %s", load->name, relative, problem);
  _cep_partition_load_add_skipped (load, relative, error);
}

/* TRUE (and reported) if file @index of @listing shares its name with another file. */
static gboolean
report_if_duplicate (CepPartitionLoad *load,
                     const Listing    *listing,
                     guint             index)
{
  guint other = listing_duplicate_of (listing, index);

  if (other == 0)
    return FALSE;
  report (load, CEP_PARTITION_ERROR_DUPLICATE, listing->folder_name, listing_file (listing, index),
          "same utterance name as %s/%s (the names differ only in letter case, Unicode form "
          "or the extension's case)", listing->folder_name, listing_file (listing, other - 1));
  return TRUE;
}

static CepPartitionEntry *
entry_new (const Listing *mfcc,
           guint          index)
{
  CepPartitionEntry *entry = g_new0 (CepPartitionEntry, 1);

  entry->name = g_strdup (g_ptr_array_index (mfcc->stems, index));
  entry->mfcc_file = g_strdup (listing_file (mfcc, index));
  return entry;
}

/* Finds the transcript of mfcc file @index; FALSE (reported) if there is none or it is one
 * of several duplicates. @used marks the transcripts taken. */
static gboolean
pair_transcript (CepPartitionLoad  *load,
                 const Listing     *mfcc,
                 const Listing     *transcripts,
                 guint              index,
                 gboolean          *used,
                 CepPartitionEntry *entry)
{
  const char *stem = g_ptr_array_index (mfcc->stems, index);
  guint partner = listing_find (transcripts, stem);

  if (partner == 0)
    {
      report (load, CEP_PARTITION_ERROR_MISSING_PARTNER, "mfcc", listing_file (mfcc, index),
              "no transcript (transcript/%s.npy is missing)", stem);
      return FALSE;
    }
  used[partner - 1] = TRUE;
  if (listing_duplicate_of (transcripts, partner - 1) != 0)
    {
      report (load, CEP_PARTITION_ERROR_DUPLICATE, "mfcc", listing_file (mfcc, index),
              "its transcript is ambiguous (transcript/%s has a duplicate)",
              listing_file (transcripts, partner - 1));
      return FALSE;
    }
  entry->transcript_file = g_strdup (listing_file (transcripts, partner - 1));
  return TRUE;
}

static void
report_orphan_transcripts (CepPartitionLoad *load,
                           const Listing    *mfcc,
                           const Listing    *transcripts,
                           const gboolean   *used)
{
  for (guint i = 0; i < transcripts->files->len; i++)
    {
      if (used[i] || report_if_duplicate (load, transcripts, i))
        continue;
      const char *stem = g_ptr_array_index (transcripts->stems, i);
      guint partner = listing_find (mfcc, stem);
      if (partner != 0)
        report (load, CEP_PARTITION_ERROR_DUPLICATE, "transcript", listing_file (transcripts, i),
                "its features are ambiguous (mfcc/%s has a duplicate)",
                listing_file (mfcc, partner - 1));
      else
        report (load, CEP_PARTITION_ERROR_MISSING_PARTNER, "transcript",
                listing_file (transcripts, i), "no features (mfcc/%s.npy is missing)", stem);
    }
}

static void
pair_all (CepPartitionLoad *load,
          const Listing    *mfcc,
          const Listing    *transcripts)
{
  g_autofree gboolean *used = g_new0 (gboolean, transcripts ? transcripts->files->len + 1 : 1);

  for (guint i = 0; i < mfcc->files->len; i++)
    {
      if (report_if_duplicate (load, mfcc, i))
        continue;
      CepPartitionEntry *entry = entry_new (mfcc, i);
      if (transcripts != NULL && !pair_transcript (load, mfcc, transcripts, i, used, entry))
        {
          _cep_partition_entry_free (entry);
          continue;
        }
      g_ptr_array_add (load->entries, entry);
    }
  if (transcripts != NULL)
    report_orphan_transcripts (load, mfcc, transcripts, used);
}

gboolean
_cep_partition_scan (CepPartitionLoad  *load,
                     GError           **error)
{
  g_auto(Listing) mfcc = { 0 };
  g_auto(Listing) transcripts = { 0 };
  g_autofree char *mfcc_path = g_build_filename (load->folder, "mfcc", NULL);
  g_autofree char *transcript_path = g_build_filename (load->folder, "transcript", NULL);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_test (load->folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_NOT_FOUND,
                   "%s: no such folder", load->folder);
      return FALSE;
    }
  if (!g_file_test (mfcc_path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_NOT_FOUND,
                   "%s: no mfcc/ folder", load->name);
      return FALSE;
    }
  load->labelled = g_file_test (transcript_path, G_FILE_TEST_IS_DIR);
  if (!load->labelled && load->options.require_labels)
    {
      g_set_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_NOT_FOUND,
                   "%s: no transcript/ folder (labels are required)", load->name);
      return FALSE;
    }
  if (!listing_read (&mfcc, load->folder, "mfcc", &local_error)
      || (load->labelled && !listing_read (&transcripts, load->folder, "transcript",
                                           &local_error)))
    {
      g_set_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_NOT_FOUND, "%s: %s",
                   load->name, local_error->message);
      return FALSE;
    }
  pair_all (load, &mfcc, load->labelled ? &transcripts : NULL);
  return TRUE;
}
