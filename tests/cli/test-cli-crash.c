/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cli-crash.c: nothing is lost when training dies or two writers meet.
 *
 * A training on the demo dataset is killed with SIGKILL at several points (before its first
 * checkpoint, while a checkpoint is being written, in the second epoch); what is left must
 * evaluate, `--resume` must finish it with exactly the tensors of an uninterrupted run, and no
 * temporary file may survive. A kill between writing last and best is made exactly (best
 * removed, as the kill would leave it). A second writer on a run folder is refused (exit 5)
 * while readers keep reading; a full disk while checkpointing exits 3 and leaves nothing half
 * written.
 */
#include "cep-cli-test-util.h"
#include "cep-cli.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

static const char *const training[] = {
  "--preset", "tiny", "--epochs", "2", "--threads", "1", "--subset", "0.1", "--seed", "7",
  NULL,
};

typedef struct
{
  char *work;
  char *reference;   /* an uninterrupted run of `training`, made once */
} Fixture;

static char *shared_reference;

static char **
train_argv (const char *first,
            const char *run,
            const char *extra)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, g_strdup (g_getenv ("CEPSTRA_CLI")));
  g_ptr_array_add (argv, g_strdup ("train"));
  g_ptr_array_add (argv, g_strdup (first));
  g_ptr_array_add (argv, g_strdup (run));
  /* A resume takes everything from the run. */
  for (guint i = 0; !g_str_equal (first, "--resume") && training[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (training[i]));
  if (extra != NULL)
    g_ptr_array_add (argv, g_strdup (extra));
  g_ptr_array_add (argv, NULL);
  return (char **) g_ptr_array_free (argv, FALSE);
}

static int
run_to_end (char **argv,
            char **err)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv ((const char * const *) argv,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static int
train (const char *first,
       const char *run,
       const char *extra,
       char      **err)
{
  g_auto(GStrv) argv = train_argv (first, run, extra);

  return run_to_end (argv, err);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->work = g_dir_make_tmp ("cepstra-crash-XXXXXX", NULL);
  if (shared_reference == NULL)
    {
      g_autofree char *err = NULL;
      g_autofree char *dir = g_dir_make_tmp ("cepstra-crash-reference-XXXXXX", NULL);
      shared_reference = g_build_filename (dir, "run", NULL);
      g_assert_cmpint (train ("--out", shared_reference, NULL, &err), ==, CEP_CLI_EXIT_OK);
    }
  fixture->reference = shared_reference;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cep_cli_test_remove_tree (fixture->work);
  g_free (fixture->work);
}

/* A safetensors file without its metadata (which holds times and counters): the tensor
 * entries as JSON, then the data bytes. */
static GBytes *
tensors_of (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint64 header_length;
  g_autoptr(JsonNode) header = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  JsonObject *object;
  g_autoptr(GList) names = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >=, 8);
  memcpy (&header_length, contents, 8);
  header_length = GUINT64_FROM_LE (header_length);
  g_assert_cmpuint (header_length, <=, length - 8);
  {
    g_autofree char *text = g_strndup (contents + 8, header_length);
    header = json_from_string (text, NULL);
  }
  g_assert_nonnull (header);
  object = json_node_get_object (header);
  names = json_object_get_members (object);
  for (GList *name = names; name != NULL; name = name->next)
    {
      g_autofree char *entry = NULL;
      if (g_str_equal (name->data, "__metadata__"))
        continue;
      entry = json_to_string (json_object_get_member (object, name->data), FALSE);
      g_string_append_printf (out, "%s=%s;", (const char *) name->data, entry);
    }
  g_string_append_len (out, contents + 8 + header_length, length - 8 - header_length);
  return g_bytes_new (out->str, out->len);
}

static void
assert_same_tensors (const char *reference_run,
                     const char *run,
                     const char *checkpoint)
{
  g_autofree char *want_path = g_build_filename (reference_run, "checkpoints", checkpoint, NULL);
  g_autofree char *got_path = g_build_filename (run, "checkpoints", checkpoint, NULL);
  g_autoptr(GBytes) want = tensors_of (want_path);
  g_autoptr(GBytes) got = tensors_of (got_path);

  if (!g_bytes_equal (want, got))
    g_error ("%s: the tensors differ from an uninterrupted run's", got_path);
}

static guint
count_leftovers_in (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint count = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".partial"))
      count++;
  return count;
}

static guint
count_leftovers (const char *run)
{
  g_autofree char *checkpoints = g_build_filename (run, "checkpoints", NULL);

  return count_leftovers_in (run) + count_leftovers_in (checkpoints);
}

static gboolean
exists_in (const char *run,
           const char *relative)
{
  g_autofree char *path = g_build_filename (run, relative, NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

typedef enum
{
  KILL_BEFORE_FIRST_CHECKPOINT,
  KILL_WHILE_WRITING_CHECKPOINT,
  KILL_IN_SECOND_EPOCH,
} KillPoint;

static gboolean
file_has (const char *path,
          const char *fragment)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && strstr (text, fragment) != NULL;
}

static gboolean
reached (const char *run,
         KillPoint   point)
{
  g_autofree char *metrics = g_build_filename (run, "metrics.jsonl", NULL);
  g_autofree char *checkpoints = g_build_filename (run, "checkpoints", NULL);

  switch (point)
    {
    case KILL_BEFORE_FIRST_CHECKPOINT:
      return file_has (metrics, "\"event\": \"step\"");
    case KILL_WHILE_WRITING_CHECKPOINT:
      return count_leftovers_in (checkpoints) > 0 || exists_in (run, "checkpoints/last.safetensors");
    case KILL_IN_SECOND_EPOCH:
      return file_has (metrics, "\"epoch\": 1, \"step\"");
    default:
      g_assert_not_reached ();
    }
}

static void
test_killed (Fixture       *fixture,
             gconstpointer  data)
{
  KillPoint point = GPOINTER_TO_INT (data);
  g_autofree char *run = g_build_filename (fixture->work, "killed", NULL);
  g_auto(GStrv) argv = train_argv ("--out", run, NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  process = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                               | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  /* Polled every millisecond: a 17 MB checkpoint takes several to write. */
  while (!reached (run, point) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("killed with %u temporary files and %s last checkpoint", count_leftovers (run),
                  exists_in (run, "checkpoints/last.safetensors") ? "a" : "no");
  /* What is left evaluates. */
  if (exists_in (run, "checkpoints/last.safetensors"))
    {
      g_autoptr(CepCliResult) eval = cep_cli_test_run ("eval", run, "--checkpoint", "last",
                                                       NULL);
      g_assert_cmpint (eval->exit_code, ==, CEP_CLI_EXIT_OK);
    }
  /* --resume finishes it, to the very tensors of an uninterrupted run. */
  g_assert_cmpint (train ("--resume", run, NULL, &err), ==, CEP_CLI_EXIT_OK);
  g_assert_cmpuint (count_leftovers (run), ==, 0);
  assert_same_tensors (fixture->reference, run, "last.safetensors");
  assert_same_tensors (fixture->reference, run, "best.safetensors");
}

/* The one window the kill loop rarely hits, made exactly: last of the final epoch written,
 * best not (a kill between the two renames), its line not in metrics.jsonl. */
static void
test_killed_between_last_and_best (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *run = g_build_filename (fixture->work, "between", NULL);
  g_autofree char *best = g_build_filename (run, "checkpoints", "best.safetensors", NULL);
  g_autofree char *metrics = g_build_filename (run, "metrics.jsonl", NULL);
  g_autofree char *text = NULL;
  g_autofree char *err = NULL;
  char *cut;

  g_assert_cmpint (train ("--out", run, NULL, &err), ==, CEP_CLI_EXIT_OK);
  g_assert_cmpint (g_unlink (best), ==, 0);
  g_assert_true (g_file_get_contents (metrics, &text, NULL, NULL));
  cut = g_strrstr (text, "\"path\": \"checkpoints/best.safetensors\"");
  g_assert_nonnull (cut);
  *(g_strrstr_len (text, cut - text, "\n") + 1) = '\0';
  g_assert_true (g_file_set_contents (metrics, text, -1, NULL));
  /* Nothing is left to train; the resume writes best from last's weights. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (train ("--resume", run, NULL, &err), ==, CEP_CLI_EXIT_OK);
  g_assert_true (g_file_test (best, G_FILE_TEST_IS_REGULAR));
  assert_same_tensors (fixture->reference, run, "best.safetensors");
  assert_same_tensors (fixture->reference, run, "last.safetensors");
  g_assert_true (file_has (metrics, "\"path\": \"checkpoints/best.safetensors\""));
}

static GSubprocess *
start_long_training (const char *run)
{
  const char *argv[] = { g_getenv ("CEPSTRA_CLI"), "train", "--preset", "tiny", "--epochs",
                         "100000", "--threads", "1", "--subset", "0.05", "--out", run, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *metrics = g_build_filename (run, "metrics.jsonl", NULL);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  GSubprocess *process;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                               | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  while (!file_has (metrics, "\"event\": \"epoch\"") && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_true (file_has (metrics, "\"event\": \"epoch\""));
  return process;
}

static void
test_second_writer (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *run = g_build_filename (fixture->work, "busy", NULL);
  g_autofree char *csv = g_build_filename (fixture->work, "curves.csv", NULL);
  g_autoptr(GSubprocess) first = start_long_training (run);
  g_autoptr(CepCliResult) trash = NULL;
  g_autoptr(CepCliResult) trash_after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *pid = g_strdup_printf ("pid %s on ", g_subprocess_get_identifier (first));

  /* A second training of the same folder is refused, naming the first. */
  g_assert_cmpint (train ("--resume", run, NULL, &err), ==, CEP_CLI_EXIT_BUSY);
  g_assert_nonnull (strstr (err, "another training is writing this run"));
  g_assert_nonnull (strstr (err, pid));
  trash = cep_cli_test_run ("trash", run, NULL);
  g_assert_cmpint (trash->exit_code, ==, CEP_CLI_EXIT_BUSY);
  g_assert_true (g_file_test (run, G_FILE_TEST_IS_DIR));
  /* Readers never fail on the line being written. */
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(CepCliResult) plot = cep_cli_test_run ("plot", run, "--csv", csv, NULL);
      g_assert_cmpint (plot->exit_code, ==, CEP_CLI_EXIT_OK);
      g_usleep (20 * 1000);
    }
  g_subprocess_send_signal (first, SIGTERM);
  g_subprocess_wait (first, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (first), ==, CEP_CLI_EXIT_CANCELLED);
  /* Its owner gone, the folder is free again. */
  trash_after = cep_cli_test_run ("trash", run, NULL);
  g_assert_cmpint (trash_after->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_false (g_file_test (run, G_FILE_TEST_EXISTS));
}

/* The child's files may grow to 8 MB: the 5.7 MB best checkpoint is written, the 17 MB last
 * is not (EFBIG, as a full disk gives ENOSPC, through the same path). */
static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { 8 << 20, 8 << 20 };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

static void
test_disk_full (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *run = g_build_filename (fixture->work, "full", NULL);
  g_auto(GStrv) argv = train_argv ("--out", run, NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *last = g_build_filename (run, "checkpoints", "last.safetensors", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, limit_file_size, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, CEP_CLI_EXIT_OUTPUT);
  g_assert_nonnull (strstr (err, last));
  g_assert_nonnull (strstr (err, g_strerror (EFBIG)));
  g_assert_false (g_file_test (last, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_leftovers (run), ==, 0);
  /* With room again, the run resumes (from the start: no epoch was checkpointed). */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (train ("--resume", run, NULL, &err), ==, CEP_CLI_EXIT_OK);
  assert_same_tensors (fixture->reference, run, "last.safetensors");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/cli/crash/killed-before-first-checkpoint",
       GINT_TO_POINTER (KILL_BEFORE_FIRST_CHECKPOINT), test_killed);
  ADD ("/cli/crash/killed-while-writing-checkpoint",
       GINT_TO_POINTER (KILL_WHILE_WRITING_CHECKPOINT), test_killed);
  ADD ("/cli/crash/killed-in-second-epoch", GINT_TO_POINTER (KILL_IN_SECOND_EPOCH), test_killed);
  ADD ("/cli/crash/killed-between-last-and-best", NULL, test_killed_between_last_and_best);
  ADD ("/cli/crash/second-writer", NULL, test_second_writer);
  ADD ("/cli/crash/disk-full", NULL, test_disk_full);
#undef ADD
  status = g_test_run ();
  if (shared_reference != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (shared_reference);
      cep_cli_test_remove_tree (dir);
      g_free (shared_reference);
    }
  return status;
}
