/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-partition.c: a loaded partition and the steps of loading it.
 *
 * Owns the frame store and everything indexed by utterance or frame. A load runs in passes:
 * scan and pair the files (cep-partition-scan.c), read every feature header to size the store
 * exactly once, read every utterance straight into its place (cep-partition-read.c), then, if
 * the skip policy dropped files during that pass, close the gaps. Header and data passes run on
 * up to CEP_PARTITION_LOAD_THREADS threads (the calling thread is one of them): files are
 * independent and each has its own slice of the store, so the threads share nothing but a
 * counter. Results never depend on timing: the first error reported is the first in file
 * order, and the store's bytes are the same for any number of threads.
 *
 * The store is an anonymous mapping with transparent huge pages requested: it is written once,
 * sequentially, and then read at random by the batch producer.
 */
#define G_LOG_DOMAIN "cepstra-partition"

#include "cep-partition-private.h"

#include <string.h>
#ifdef G_OS_UNIX
#include <sys/mman.h>
#endif

#include "cep-npy.h"
#include "cep-context-window.h"

/* More threads than this only add contention on the page cache for files of ~100 KB. */
#define CEP_PARTITION_LOAD_THREADS 4
/* Below this many files a second thread costs more than it saves. */
#define CEP_PARTITION_MIN_FILES_PER_THREAD 16

G_DEFINE_QUARK (cep-partition-error-quark, cep_partition_error)

struct _CepPartition
{
  GObject          parent_instance;

  char            *folder;
  char            *name;
  gboolean         labelled;
  gboolean         normalized;
  guint            dim;
  guint            context_max;
  CepPhonemeTable *table;

  guint            n_utterances;
  GPtrArray       *utterance_names;
  GHashTable      *utterance_index;  /* name -> index + 1 */
  gsize           *starts;           /* n_utterances + 1 global frame offsets */
  gsize            n_frames;

  float           *store;
  gsize            store_floats;
  gsize            store_mapped;     /* bytes mapped (>= store_floats * 4) */
  float           *means;
  float           *stddevs;
  guint8          *labels;
  GPtrArray       *skipped;
};

G_DEFINE_FINAL_TYPE (CepPartition, cep_partition, G_TYPE_OBJECT)

void
cep_load_options_init (CepLoadOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->normalize = TRUE;
  options->context_max = 30;
  options->policy = CEP_LOAD_POLICY_FAIL;
  options->table = NULL;
  options->require_labels = FALSE;
}

/* The frame store: zero-filled memory for a large block written once. */
static float *
store_alloc (gsize  n_floats,
             gsize *mapped)
{
  gsize bytes = MAX (n_floats, 1) * sizeof (float);
#ifdef G_OS_UNIX
  void *block = mmap (NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED)
    return NULL;
#ifdef MADV_HUGEPAGE
  madvise (block, bytes, MADV_HUGEPAGE);
#endif
  *mapped = bytes;
  return block;
#else
  *mapped = bytes;
  return g_try_malloc0 (bytes);
#endif
}

static void
store_free (float *store,
            gsize  mapped)
{
  if (store == NULL)
    return;
#ifdef G_OS_UNIX
  munmap (store, mapped);
#else
  g_free (store);
#endif
}

static void
cep_partition_finalize (GObject *object)
{
  CepPartition *self = CEP_PARTITION (object);

  g_free (self->folder);
  g_free (self->name);
  g_clear_object (&self->table);
  g_clear_pointer (&self->utterance_names, g_ptr_array_unref);
  g_clear_pointer (&self->utterance_index, g_hash_table_unref);
  g_free (self->starts);
  store_free (self->store, self->store_mapped);
  g_free (self->means);
  g_free (self->stddevs);
  g_free (self->labels);
  g_clear_pointer (&self->skipped, g_ptr_array_unref);
  G_OBJECT_CLASS (cep_partition_parent_class)->finalize (object);
}

static void
cep_partition_class_init (CepPartitionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cep_partition_finalize;
}

static void
cep_partition_init (CepPartition *self)
{
  self->skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) _cep_skipped_file_free);
}

/* ---- entries and messages ------------------------------------------------------------ */

void
_cep_partition_entry_free (CepPartitionEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->name);
  g_free (entry->mfcc_file);
  g_free (entry->transcript_file);
  g_clear_error (&entry->error);
  g_free (entry->fault_file);
  g_free (entry);
}

void
_cep_skipped_file_free (CepSkippedFile *skipped)
{
  g_free (skipped->file);
  g_free (skipped->reason);
  g_free (skipped);
}

void
_cep_partition_entry_fail (const CepPartitionLoad *load,
                           CepPartitionEntry      *entry,
                           CepPartitionError       code,
                           const char             *file,
                           const char             *format,
                           ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_clear_error (&entry->error);
  g_free (entry->fault_file);
  entry->error = g_error_new (CEP_PARTITION_ERROR, code, "%s/%s: %s", load->name, file, problem);
  entry->fault_file = g_strdup (file);
}

void
_cep_partition_entry_fail_npy (const CepPartitionLoad *load,
                               CepPartitionEntry      *entry,
                               const char             *file,
                               const GError           *npy_error)
{
  g_autofree char *path = g_build_filename (load->folder, file, NULL);
  const char *problem = npy_error->message;

  /* The reader names the path it was given; the partition names files relative to itself. */
  if (g_str_has_prefix (problem, path) && g_str_has_prefix (problem + strlen (path), ": "))
    problem += strlen (path) + 2;
  _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_FILE, file, "%s", problem);
}

void
_cep_partition_load_add_skipped (CepPartitionLoad *load,
                                 const char       *file,
                                 const GError     *error)
{
  CepSkippedFile *skipped = g_new0 (CepSkippedFile, 1);

  skipped->file = g_strdup (file);
  skipped->reason = g_strdup (error->message);
  skipped->domain = error->domain;
  skipped->code = error->code;
  g_ptr_array_add (load->skipped, skipped);
}

/* ---- the load ------------------------------------------------------------------------ */

static void
load_clear (CepPartitionLoad *load)
{
  g_free (load->folder);
  g_free (load->name);
  g_clear_object (&load->table);
  g_clear_pointer (&load->entries, g_ptr_array_unref);
  g_clear_pointer (&load->skipped, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CepPartitionLoad, load_clear)

static void
load_init (CepPartitionLoad     *load,
           const char           *folder,
           const CepLoadOptions *options)
{
  memset (load, 0, sizeof *load);
  load->folder = g_strdup (folder);
  load->name = g_path_get_basename (folder);
  load->options = *options;
  load->table = options->table != NULL ? g_object_ref (options->table)
                                       : cep_phoneme_table_new_default ();
  load->options.table = load->table;
  load->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) _cep_partition_entry_free);
  load->skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) _cep_skipped_file_free);
}

/* Under the fail policy, the first problem found so far fails the load. */
static gboolean
load_check_policy (CepPartitionLoad  *load,
                   GError           **error)
{
  if (load->options.policy != CEP_LOAD_POLICY_FAIL || load->skipped->len == 0)
    return TRUE;

  CepSkippedFile *first = g_ptr_array_index (load->skipped, 0);
  g_set_error_literal (error, first->domain, first->code, first->reason);
  return FALSE;
}

/* Moves failed entries' errors to load->skipped, in file order, and drops those entries. */
static void
load_collect_failures (CepPartitionLoad *load)
{
  guint kept = 0;

  for (guint i = 0; i < load->entries->len; i++)
    {
      CepPartitionEntry *entry = g_ptr_array_index (load->entries, i);
      if (entry->error != NULL)
        {
          _cep_partition_load_add_skipped (load, entry->fault_file, entry->error);
          _cep_partition_entry_free (entry);
          continue;
        }
      load->entries->pdata[kept++] = entry;
    }
  /* The freed entries are gone already: shrink without calling the free function. */
  g_ptr_array_set_free_func (load->entries, NULL);
  g_ptr_array_set_size (load->entries, kept);
  g_ptr_array_set_free_func (load->entries, (GDestroyNotify) _cep_partition_entry_free);
}

static gboolean
load_check_cancelled (CepPartitionLoad  *load,
                      GCancellable      *cancellable,
                      GError           **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return TRUE;
  g_set_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_CANCELLED,
               "%s: loading was cancelled", load->name);
  return FALSE;
}

/* ---- running a step over all entries on several threads --------------------------------- */

typedef gboolean (*EntryStep) (CepPartitionLoad  *load,
                               CepPartitionEntry *entry);

typedef struct
{
  CepPartitionLoad *load;
  EntryStep         step;
  GCancellable     *cancellable;
  gint              next;   /* atomic: next entry to claim */
  gint              done;   /* atomic */
  gint              stop;   /* atomic: fail policy hit an error, or cancelled */
} Runner;

/* Claims entries in increasing order until none is left. A thread that sees the stop flag
 * still finishes the entry it holds, so every entry before a failed one is complete and the
 * first error in file order is the one reported. */
static void
runner_work (Runner          *runner,
             CepProgressFunc  progress,
             gpointer         progress_data)
{
  guint total = runner->load->entries->len;

  while (!g_atomic_int_get (&runner->stop))
    {
      guint index = (guint) g_atomic_int_add (&runner->next, 1);
      if (index >= total)
        break;
      if (g_cancellable_is_cancelled (runner->cancellable))
        {
          g_atomic_int_set (&runner->stop, 1);
          break;
        }
      if (!runner->step (runner->load, g_ptr_array_index (runner->load->entries, index))
          && runner->load->options.policy == CEP_LOAD_POLICY_FAIL)
        g_atomic_int_set (&runner->stop, 1);
      guint done = (guint) g_atomic_int_add (&runner->done, 1) + 1;
      if (progress != NULL)
        progress (done, total, progress_data);
    }
}

static gpointer
runner_thread (gpointer data)
{
  runner_work (data, NULL, NULL);
  return NULL;
}

static guint
runner_n_threads (guint n_entries)
{
  guint by_work = MAX (1, n_entries / CEP_PARTITION_MIN_FILES_PER_THREAD);
  guint by_cpu = MAX (1, g_get_num_processors ());

  return MIN (MIN (by_work, by_cpu), CEP_PARTITION_LOAD_THREADS);
}

/* Runs @step on every entry; progress is reported from the calling thread only. */
static void
load_run (CepPartitionLoad *load,
          EntryStep         step,
          GCancellable     *cancellable,
          CepProgressFunc   progress,
          gpointer          progress_data)
{
  Runner runner = { load, step, cancellable, 0, 0, 0 };
  GThread *threads[CEP_PARTITION_LOAD_THREADS];
  guint n_helpers = runner_n_threads (load->entries->len) - 1;

  for (guint i = 0; i < n_helpers; i++)
    threads[i] = g_thread_new ("cep-partition-load", runner_thread, &runner);
  runner_work (&runner, progress, progress_data);
  for (guint i = 0; i < n_helpers; i++)
    g_thread_join (threads[i]);
  if (progress != NULL && (guint) runner.done == load->entries->len)
    progress (load->entries->len, load->entries->len, progress_data);
}

/* ---- dimension agreement ------------------------------------------------------------- */

/* The feature dimension the partition uses: the first file's under the fail policy (so the
 * first file that disagrees is the error), the most common one under the skip policy (so one
 * odd file does not take all the others with it). */
static guint
load_choose_dim (CepPartitionLoad *load)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  guint best = 0, best_count = 0;

  if (load->options.policy == CEP_LOAD_POLICY_FAIL)
    return ((CepPartitionEntry *) g_ptr_array_index (load->entries, 0))->dim;
  for (guint i = 0; i < load->entries->len; i++)
    {
      CepPartitionEntry *entry = g_ptr_array_index (load->entries, i);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (entry->dim)));
      g_hash_table_insert (counts, GUINT_TO_POINTER (entry->dim), GUINT_TO_POINTER (count + 1));
      if (count + 1 > best_count)
        {
          best = entry->dim;
          best_count = count + 1;
        }
    }
  return best;
}

static void
load_check_dims (CepPartitionLoad *load)
{
  const CepPartitionEntry *reference = NULL;

  load->dim = load_choose_dim (load);
  for (guint i = 0; i < load->entries->len; i++)
    {
      CepPartitionEntry *entry = g_ptr_array_index (load->entries, i);
      if (entry->dim == load->dim && reference == NULL)
        reference = entry;
    }
  for (guint i = 0; i < load->entries->len; i++)
    {
      CepPartitionEntry *entry = g_ptr_array_index (load->entries, i);
      if (entry->dim == load->dim)
        continue;
      g_autofree char *relative = g_build_filename ("mfcc", entry->mfcc_file, NULL);
      _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_FEATURE_DIM, relative,
                                 "%u coefficients per frame, but mfcc/%s has %u", entry->dim,
                                 reference->mfcc_file, load->dim);
    }
}

/* ---- sizing and filling the store ---------------------------------------------------- */

static gboolean
load_check_not_empty (CepPartitionLoad  *load,
                      GError           **error)
{
  if (load->entries->len > 0)
    return TRUE;
  if (load->skipped->len > 0)
    g_set_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_EMPTY,
                 "%s: no utterances left (%u files skipped; the first: %s)", load->name,
                 load->skipped->len,
                 ((CepSkippedFile *) g_ptr_array_index (load->skipped, 0))->reason);
  else
    g_set_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_EMPTY,
                 "%s: no utterances (mfcc/ holds no .npy file)", load->name);
  return FALSE;
}

/* Assigns slots and frame offsets; the store's size in floats, or 0 on overflow. */
static gsize
load_layout (CepPartitionLoad *load,
             gsize            *n_frames)
{
  gsize frames = 0, padded;

  for (guint i = 0; i < load->entries->len; i++)
    {
      CepPartitionEntry *entry = g_ptr_array_index (load->entries, i);
      entry->slot = i;
      entry->first_frame = frames;
      if (!g_size_checked_add (&frames, frames, entry->n_frames))
        return 0;
    }
  *n_frames = frames;
  if (!g_size_checked_mul (&padded, load->options.context_max, load->entries->len + 1)
      || !g_size_checked_add (&padded, padded, frames)
      || !g_size_checked_mul (&padded, padded, load->dim)
      || padded > G_MAXSIZE / sizeof (float))
    return 0;
  return padded;
}

static gboolean
load_allocate (CepPartitionLoad  *load,
               CepPartition      *partition,
               GError           **error)
{
  gsize n_floats = load_layout (load, &partition->n_frames);
  gsize n_stats = (gsize) load->entries->len * load->dim;

  if (n_floats > 0)
    partition->store = store_alloc (n_floats, &partition->store_mapped);
  if (partition->store == NULL)
    {
      g_set_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_FILE,
                   "%s: not enough memory for the frame store", load->name);
      return FALSE;
    }
  partition->store_floats = n_floats;
  load->store = partition->store;
  load->means = partition->means = g_new (float, n_stats);
  load->stddevs = partition->stddevs = g_new (float, n_stats);
  if (load->labelled)
    load->labels = partition->labels = g_new (guint8, MAX (partition->n_frames, 1));
  return TRUE;
}

/* After the skip policy dropped utterances in the data pass: moves the survivors down (their
 * new places never lie after the old ones, so moving in order is safe) and re-zeroes the
 * padding, which may now cover frames of a dropped utterance. */
static void
load_compact (CepPartitionLoad *load,
              CepPartition     *partition)
{
  gsize dim = load->dim, pad = load->options.context_max, frames = 0;

  for (guint i = 0; i < load->entries->len; i++)
    {
      CepPartitionEntry *entry = g_ptr_array_index (load->entries, i);
      float *from = partition->store + (pad * (entry->slot + 1) + entry->first_frame) * dim;
      float *to = partition->store + (pad * (i + 1) + frames) * dim;

      memset (to - pad * dim, 0, pad * dim * sizeof (float));
      memmove (to, from, entry->n_frames * dim * sizeof (float));
      memmove (partition->means + i * dim, partition->means + entry->slot * dim,
               dim * sizeof (float));
      memmove (partition->stddevs + i * dim, partition->stddevs + entry->slot * dim,
               dim * sizeof (float));
      if (partition->labels != NULL)
        memmove (partition->labels + frames, partition->labels + entry->first_frame,
                 entry->n_frames);
      entry->slot = i;
      entry->first_frame = frames;
      frames += entry->n_frames;
    }
  partition->n_frames = frames;
  partition->store_floats = (pad * (load->entries->len + 1) + frames) * dim;
  memset (partition->store + partition->store_floats - pad * dim, 0, pad * dim * sizeof (float));
}

/* ---- assembling the partition -------------------------------------------------------- */

static void
partition_take_utterances (CepPartition     *partition,
                           CepPartitionLoad *load)
{
  guint n = load->entries->len;

  partition->n_utterances = n;
  partition->utterance_names = g_ptr_array_new_full (n, g_free);
  partition->utterance_index = g_hash_table_new (g_str_hash, g_str_equal);
  partition->starts = g_new (gsize, n + 1);
  for (guint i = 0; i < n; i++)
    {
      CepPartitionEntry *entry = g_ptr_array_index (load->entries, i);
      g_ptr_array_add (partition->utterance_names, g_steal_pointer (&entry->name));
      g_hash_table_insert (partition->utterance_index,
                           g_ptr_array_index (partition->utterance_names, i),
                           GUINT_TO_POINTER (i + 1));
      partition->starts[i] = entry->first_frame;
    }
  partition->starts[n] = partition->n_frames;
}

static void
partition_take_load (CepPartition     *partition,
                     CepPartitionLoad *load)
{
  partition->folder = g_strdup (load->folder);
  partition->name = g_strdup (load->name);
  partition->labelled = load->labelled;
  partition->normalized = load->options.normalize;
  partition->dim = load->dim;
  partition->context_max = load->options.context_max;
  partition->table = g_object_ref (load->table);
  g_ptr_array_extend_and_steal (partition->skipped, g_steal_pointer (&load->skipped));
  partition_take_utterances (partition, load);
}

/* Scan and header pass: what the store will hold. */
static gboolean
load_plan (CepPartitionLoad  *load,
           GCancellable      *cancellable,
           GError           **error)
{
  if (!_cep_partition_scan (load, error) || !load_check_policy (load, error)
      || !load_check_cancelled (load, cancellable, error))
    return FALSE;

  load_run (load, _cep_partition_read_header, cancellable, NULL, NULL);
  load_collect_failures (load);
  if (!load_check_policy (load, error) || !load_check_cancelled (load, cancellable, error)
      || !load_check_not_empty (load, error))
    return FALSE;

  load_check_dims (load);
  load_collect_failures (load);
  return load_check_policy (load, error);
}

CepPartition *
cep_partition_load (const char            *folder,
                    const CepLoadOptions  *options,
                    GCancellable          *cancellable,
                    CepProgressFunc        progress,
                    gpointer               progress_data,
                    GError               **error)
{
  g_auto(CepPartitionLoad) load = { 0 };
  g_autoptr(CepPartition) partition = NULL;
  CepLoadOptions defaults;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      cep_load_options_init (&defaults);
      options = &defaults;
    }
  load_init (&load, folder, options);
  if (!load_plan (&load, cancellable, error))
    return NULL;

  partition = g_object_new (CEP_TYPE_PARTITION, NULL);
  if (!load_allocate (&load, partition, error))
    return NULL;
  load_run (&load, _cep_partition_read_utterance, cancellable, progress, progress_data);
  if (!load_check_cancelled (&load, cancellable, error))
    return NULL;
  guint before = load.entries->len;
  load_collect_failures (&load);
  if (!load_check_policy (&load, error) || !load_check_not_empty (&load, error))
    return NULL;
  if (load.entries->len != before)
    load_compact (&load, partition);

  partition_take_load (partition, &load);
  return g_steal_pointer (&partition);
}

/* ---- accessors ----------------------------------------------------------------------- */

const char *
cep_partition_get_name (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  return self->name;
}

const char *
cep_partition_get_folder (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  return self->folder;
}

gboolean
cep_partition_is_labelled (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), FALSE);
  return self->labelled;
}

gboolean
cep_partition_is_normalized (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), FALSE);
  return self->normalized;
}

guint
cep_partition_get_feature_dim (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), 0);
  return self->dim;
}

guint
cep_partition_get_context_max (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), 0);
  return self->context_max;
}

guint
cep_partition_get_n_utterances (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), 0);
  return self->n_utterances;
}

gsize
cep_partition_get_n_frames (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), 0);
  return self->n_frames;
}

CepPhonemeTable *
cep_partition_get_phoneme_table (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  return self->table;
}

const char *
cep_partition_get_utterance_name (CepPartition *self,
                                  guint         utterance)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  g_return_val_if_fail (utterance < self->n_utterances, NULL);
  return g_ptr_array_index (self->utterance_names, utterance);
}

gsize
cep_partition_get_utterance_start (CepPartition *self,
                                   guint         utterance)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), 0);
  g_return_val_if_fail (utterance < self->n_utterances, 0);
  return self->starts[utterance];
}

gsize
cep_partition_get_utterance_length (CepPartition *self,
                                    guint         utterance)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), 0);
  g_return_val_if_fail (utterance < self->n_utterances, 0);
  return self->starts[utterance + 1] - self->starts[utterance];
}

/* The last utterance whose start is <= @frame (starts are strictly increasing). */
guint
cep_partition_find_utterance (CepPartition *self,
                              gsize         frame)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), 0);
  g_return_val_if_fail (frame < self->n_frames, 0);

  guint lo = 0, hi = self->n_utterances - 1;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo + 1) / 2;
      if (self->starts[mid] <= frame)
        lo = mid;
      else
        hi = mid - 1;
    }
  return lo;
}

int
cep_partition_lookup_utterance (CepPartition *self,
                                const char   *name)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), -1);
  g_return_val_if_fail (name != NULL, -1);
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->utterance_index, name)) - 1;
}

/* Store row of global @frame: one run of context_max zero frames before every utterance. */
static inline gsize
store_row (CepPartition *self,
           gsize         frame)
{
  guint utterance = cep_partition_find_utterance (self, frame);
  return (gsize) self->context_max * (utterance + 1) + frame;
}

const float *
cep_partition_get_frame (CepPartition *self,
                         gsize         frame)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  g_return_val_if_fail (frame < self->n_frames, NULL);
  return self->store + store_row (self, frame) * self->dim;
}

const float *
cep_partition_get_window (CepPartition *self,
                          gsize         frame,
                          guint         past)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  g_return_val_if_fail (frame < self->n_frames, NULL);
  g_return_val_if_fail (past <= self->context_max, NULL);

  guint utterance = cep_partition_find_utterance (self, frame);
  gsize start = self->starts[utterance];
  /* The utterance's block begins with the padding shared with the previous utterance. */
  const float *padded = self->store + ((gsize) self->context_max * utterance + start) * self->dim;
  return cep_context_window_start (padded, self->context_max, self->dim, frame - start, past);
}

const float *
cep_partition_get_store (CepPartition *self,
                         gsize        *n_rows)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  if (n_rows != NULL)
    *n_rows = self->store_floats / self->dim;
  return self->store;
}

gsize
cep_partition_get_store_row (CepPartition *self,
                             gsize         frame)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), 0);
  g_return_val_if_fail (frame < self->n_frames, 0);
  return store_row (self, frame);
}

const float *
cep_partition_get_utterance_mean (CepPartition *self,
                                  guint         utterance)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  g_return_val_if_fail (utterance < self->n_utterances, NULL);
  return self->means + (gsize) utterance * self->dim;
}

const float *
cep_partition_get_utterance_stddev (CepPartition *self,
                                    guint         utterance)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  g_return_val_if_fail (utterance < self->n_utterances, NULL);
  return self->stddevs + (gsize) utterance * self->dim;
}

const guint8 *
cep_partition_get_labels (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  return self->labels;
}

void
cep_partition_get_class_counts (CepPartition *self,
                                guint64      *counts)
{
  g_return_if_fail (CEP_IS_PARTITION (self));
  g_return_if_fail (counts != NULL);

  guint n_classes = cep_phoneme_table_get_n_classes (self->table);
  memset (counts, 0, n_classes * sizeof *counts);
  if (self->labels == NULL)
    return;
  for (gsize i = 0; i < self->n_frames; i++)
    counts[self->labels[i]]++;
}

GPtrArray *
cep_partition_get_skipped (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), NULL);
  return self->skipped;
}

gsize
cep_partition_get_store_size (CepPartition *self)
{
  g_return_val_if_fail (CEP_IS_PARTITION (self), 0);
  return self->store_floats * sizeof (float);
}
