/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-dataset.c: a dataset root, its partitions and the checks across them.
 *
 * Owns discovery (which sub-folders are partitions, in which order, which plays which role),
 * loading on demand with one set of options (each partition once, cached, safe to call from
 * several threads), and the checks that need every partition: one feature dimension, and no
 * utterance name in two partitions (the same recording in train and dev is leakage). It must
 * not read feature files itself: that is CepPartition's job.
 */
#define G_LOG_DOMAIN "cepstra-dataset"

#include "cep-dataset.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cep-config.h"
#include "cep-sandbox.h"

G_DEFINE_QUARK (cep-dataset-error-quark, cep_dataset_error)

/* The HW1P2 names, in the order a user expects to see them. */
static const char *const known_partitions[] = { "train-clean-100", "dev-clean", "test-clean" };

typedef struct
{
  char         *name;
  char         *folder;
  gboolean      labelled;   /* has transcript/ (checked at open, without reading files) */
  GMutex        lock;       /* held while this partition loads */
  CepPartition *partition;  /* NULL until loaded */
} PartitionSlot;

struct _CepDataset
{
  GObject          parent_instance;

  char            *root;
  CepLoadOptions   options;
  GPtrArray       *slots;   /* PartitionSlot*, canonical order */
  GStrv            names;
};

G_DEFINE_FINAL_TYPE (CepDataset, cep_dataset, G_TYPE_OBJECT)

static void
partition_slot_free (PartitionSlot *slot)
{
  g_free (slot->name);
  g_free (slot->folder);
  g_mutex_clear (&slot->lock);
  g_clear_object (&slot->partition);
  g_free (slot);
}

static void
cep_dataset_finalize (GObject *object)
{
  CepDataset *self = CEP_DATASET (object);

  g_free (self->root);
  g_clear_object (&self->options.table);
  g_ptr_array_unref (self->slots);
  g_strfreev (self->names);
  G_OBJECT_CLASS (cep_dataset_parent_class)->finalize (object);
}

static void
cep_dataset_class_init (CepDatasetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cep_dataset_finalize;
}

static void
cep_dataset_init (CepDataset *self)
{
  self->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) partition_slot_free);
}

static gboolean
is_partition_folder (const char *folder)
{
  g_autofree char *mfcc = g_build_filename (folder, "mfcc", NULL);
  return g_file_test (mfcc, G_FILE_TEST_IS_DIR);
}

static PartitionSlot *
partition_slot_new (const char *name,
                    const char *folder)
{
  PartitionSlot *slot = g_new0 (PartitionSlot, 1);
  g_autofree char *transcript = g_build_filename (folder, "transcript", NULL);

  slot->name = g_strdup (name);
  slot->folder = g_strdup (folder);
  slot->labelled = g_file_test (transcript, G_FILE_TEST_IS_DIR);
  g_mutex_init (&slot->lock);
  return slot;
}

static int
known_rank (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_partitions); i++)
    if (strcmp (name, known_partitions[i]) == 0)
      return (int) i;
  return G_N_ELEMENTS (known_partitions);
}

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  const PartitionSlot *x = *(const PartitionSlot * const *) a;
  const PartitionSlot *y = *(const PartitionSlot * const *) b;
  int rank = known_rank (x->name) - known_rank (y->name);

  return rank != 0 ? rank : strcmp (x->name, y->name);
}

/* Sub-folders holding mfcc/; the root itself when it is a partition and has none. */
static gboolean
find_partitions (CepDataset  *self,
                 GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (self->root, 0, error);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *folder = g_build_filename (self->root, name, NULL);
      if (name[0] != '.' && is_partition_folder (folder))
        g_ptr_array_add (self->slots, partition_slot_new (name, folder));
    }
  if (self->slots->len == 0 && is_partition_folder (self->root))
    {
      g_autofree char *base = g_path_get_basename (self->root);
      g_ptr_array_add (self->slots, partition_slot_new (base, self->root));
    }
  g_ptr_array_sort (self->slots, compare_slots);
  return TRUE;
}

static void
collect_names (CepDataset *self)
{
  self->names = g_new0 (char *, self->slots->len + 1);
  for (guint i = 0; i < self->slots->len; i++)
    self->names[i] = g_strdup (((PartitionSlot *) g_ptr_array_index (self->slots, i))->name);
}

CepDataset *
cep_dataset_open (const char            *root,
                  const CepLoadOptions  *options,
                  GError               **error)
{
  g_autoptr(CepDataset) self = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CEP_TYPE_DATASET, NULL);
  self->root = g_strdup (root);
  if (options != NULL)
    self->options = *options;
  else
    cep_load_options_init (&self->options);
  /* One table for all partitions, so their class ids mean the same. */
  self->options.table = self->options.table != NULL ? g_object_ref (self->options.table)
                                                    : cep_phoneme_table_new_default ();

  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *why = cep_sandbox_explain_missing_path (root, NULL);

      g_set_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NOT_FOUND,
                   "%s: no such folder%s", root, why);
      return NULL;
    }
  if (!find_partitions (self, &local_error))
    {
      g_set_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NOT_FOUND, "%s: %s", root,
                   local_error->message);
      return NULL;
    }
  if (self->slots->len == 0)
    {
      g_set_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NOT_FOUND,
                   "%s: no partitions (no folder here holds an mfcc/ folder)", root);
      return NULL;
    }
  collect_names (self);
  return g_steal_pointer (&self);
}

char *
cep_dataset_find_demo_root (void)
{
  const char *candidates[] = {
    g_getenv ("CEPSTRA_DEMO_DIR"), CEP_DEMO_INSTALL_DIR, CEP_DEMO_SOURCE_DIR,
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] != NULL && candidates[i][0] != '\0'
        && g_file_test (candidates[i], G_FILE_TEST_IS_DIR))
      return g_strdup (candidates[i]);
  return NULL;
}

const char *
cep_dataset_get_root (CepDataset *self)
{
  g_return_val_if_fail (CEP_IS_DATASET (self), NULL);
  return self->root;
}

const char * const *
cep_dataset_get_partition_names (CepDataset *self)
{
  g_return_val_if_fail (CEP_IS_DATASET (self), NULL);
  return (const char * const *) self->names;
}

static PartitionSlot *
find_slot (CepDataset *self,
           const char *name)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      PartitionSlot *slot = g_ptr_array_index (self->slots, i);
      if (strcmp (slot->name, name) == 0)
        return slot;
    }
  return NULL;
}

CepPartition *
cep_dataset_load_partition (CepDataset      *self,
                            const char      *name,
                            GCancellable    *cancellable,
                            CepProgressFunc  progress,
                            gpointer         progress_data,
                            GError         **error)
{
  g_return_val_if_fail (CEP_IS_DATASET (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  PartitionSlot *slot = find_slot (self, name);
  if (slot == NULL)
    {
      g_set_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NO_PARTITION,
                   "%s: no partition called '%s'", self->root, name);
      return NULL;
    }

  /* One lock per partition: two partitions load in parallel, one never loads twice. */
  g_mutex_lock (&slot->lock);
  if (slot->partition == NULL)
    slot->partition = cep_partition_load (slot->folder, &self->options, cancellable, progress,
                                          progress_data, error);
  CepPartition *partition = slot->partition;
  g_mutex_unlock (&slot->lock);
  return partition;
}

static gboolean
check_dimensions (CepDataset  *self,
                  GError     **error)
{
  PartitionSlot *first = g_ptr_array_index (self->slots, 0);
  guint dim = cep_partition_get_feature_dim (first->partition);

  for (guint i = 1; i < self->slots->len; i++)
    {
      PartitionSlot *slot = g_ptr_array_index (self->slots, i);
      guint other = cep_partition_get_feature_dim (slot->partition);
      if (other != dim)
        {
          g_set_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_MISMATCH,
                       "%s: %s has %u coefficients per frame, but %s has %u", self->root,
                       slot->name, other, first->name, dim);
          return FALSE;
        }
    }
  return TRUE;
}

/* The first utterance (in partition order, then file order) whose name another partition
 * already holds. */
static gboolean
check_duplicates (CepDataset  *self,
                  GError     **error)
{
  g_autoptr(GHashTable) owner = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->slots->len; i++)
    {
      PartitionSlot *slot = g_ptr_array_index (self->slots, i);
      guint n = cep_partition_get_n_utterances (slot->partition);
      for (guint u = 0; u < n; u++)
        {
          const char *name = cep_partition_get_utterance_name (slot->partition, u);
          PartitionSlot *other = g_hash_table_lookup (owner, name);
          if (other == NULL)
            {
              g_hash_table_insert (owner, (gpointer) name, slot);
              continue;
            }
          g_set_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_DUPLICATE,
                       "%s/mfcc/%s.npy and %s/mfcc/%s.npy: utterance '%s' is in two partitions",
                       other->name, name, slot->name, name, name);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
cep_dataset_load_all (CepDataset    *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (CEP_IS_DATASET (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < self->slots->len; i++)
    {
      PartitionSlot *slot = g_ptr_array_index (self->slots, i);
      if (cep_dataset_load_partition (self, slot->name, cancellable, NULL, NULL, error) == NULL)
        return FALSE;
    }
  return check_dimensions (self, error) && check_duplicates (self, error);
}

/* @preferred if present, else the first partition whose name starts with @prefix; labelled
 * ones first when @want_labels. */
static const char *
find_role (CepDataset *self,
           const char *preferred,
           const char *prefix,
           gboolean    want_labels)
{
  PartitionSlot *slot = find_slot (self, preferred);

  if (slot != NULL && (slot->labelled || !want_labels))
    return slot->name;
  for (guint i = 0; i < self->slots->len; i++)
    {
      slot = g_ptr_array_index (self->slots, i);
      if (g_str_has_prefix (slot->name, prefix) && (slot->labelled || !want_labels))
        return slot->name;
    }
  return NULL;
}

const char *
cep_dataset_get_train_name (CepDataset *self)
{
  g_return_val_if_fail (CEP_IS_DATASET (self), NULL);
  return find_role (self, "train-clean-100", "train", TRUE);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Appends "SUB/NAME\tSIZE\n" for every .npy file of @folder/@sub, sorted by name. */
static gboolean
append_listing (GString    *listing,
                const char *folder,
                const char *sub)
{
  g_autofree char *path = g_build_filename (folder, sub, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".npy"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_build_filename (path, g_ptr_array_index (names, i), NULL);
      GStatBuf info;

      g_string_append_printf (listing, "%s/%s\t%" G_GINT64_FORMAT "\n", sub,
                              (const char *) g_ptr_array_index (names, i),
                              g_stat (file, &info) == 0 ? (gint64) info.st_size : (gint64) -1);
    }
  return TRUE;
}

char *
cep_partition_folder_fingerprint (const char *folder)
{
  g_autoptr(GString) listing = g_string_new (NULL);

  g_return_val_if_fail (folder != NULL, NULL);

  if (!append_listing (listing, folder, "mfcc"))
    return NULL;
  append_listing (listing, folder, "transcript");
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, listing->str, (gssize) listing->len);
}

char *
cep_dataset_get_fingerprint (CepDataset *self)
{
  const char *train;

  g_return_val_if_fail (CEP_IS_DATASET (self), NULL);

  train = cep_dataset_get_train_name (self);
  return train != NULL ? cep_partition_folder_fingerprint (find_slot (self, train)->folder)
                       : NULL;
}

char *
cep_dataset_explain_no_train (CepDataset *self)
{
  g_return_val_if_fail (CEP_IS_DATASET (self), NULL);

  for (guint i = 0; i < self->slots->len; i++)
    {
      PartitionSlot *slot = g_ptr_array_index (self->slots, i);
      if (g_str_has_prefix (slot->name, "train") && !slot->labelled)
        return g_strdup_printf ("%s: no training partition: %s%stranscript is missing (a "
                                "training partition needs its labels next to mfcc/)",
                                self->root, slot->folder, G_DIR_SEPARATOR_S);
    }
  {
    g_autofree char *names = g_strjoinv (", ", self->names);
    return g_strdup_printf ("%s: no training partition: none of its partitions (%s) is named "
                            "train… with mfcc/ and transcript/ inside", self->root, names);
  }
}

const char *
cep_dataset_get_dev_name (CepDataset *self)
{
  g_return_val_if_fail (CEP_IS_DATASET (self), NULL);
  return find_role (self, "dev-clean", "dev", TRUE);
}

const char *
cep_dataset_get_test_name (CepDataset *self)
{
  g_return_val_if_fail (CEP_IS_DATASET (self), NULL);
  return find_role (self, "test-clean", "test", FALSE);
}
