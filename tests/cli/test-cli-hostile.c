/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cli-hostile.c: the committed hostile-input corpus (tests/hostile, one folder per
 * untrusted format) replayed through the command that reads each format. Every case of
 * tests/hostile/cases.txt must exit with its status and say its phrase in one line on stderr
 * that names the file: no crash, no hang, no backtrace, no default taken in silence.
 */
#include "cep-cli-test-util.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  char *kind;
  char *file;
  int   exit_code;
  char *phrase;
} HostileCase;

static void
hostile_case_free (HostileCase *c)
{
  g_free (c->kind);
  g_free (c->file);
  g_free (c->phrase);
  g_free (c);
}

/* "import-" kinds replay another kind's corpus through `import-run`. */
#define IMPORT_PREFIX "import-"

static const char *
corpus_kind (const char *kind)
{
  return g_str_has_prefix (kind, IMPORT_PREFIX) ? kind + strlen (IMPORT_PREFIX) : kind;
}

static char *
corpus_path (const char *kind,
             const char *file)
{
  return g_build_filename (g_getenv ("CEPSTRA_HOSTILE_DIR"), corpus_kind (kind), file, NULL);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autofree char *folder = g_path_get_dirname (to);

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

/* A dataset of one utterance, 3 frames of 13 coefficients and their 3 labels, in which
 * @kind's file is replaced by the hostile one. */
static char *
make_dataset (const char *work,
              const char *kind,
              const char *hostile)
{
  char *root = g_build_filename (work, "dataset", NULL);
  g_autofree char *partition = g_build_filename (root, "train-clean-100", NULL);
  g_autofree char *relative = g_build_filename (g_str_equal (kind, "npy") ? "mfcc" : "transcript",
                                                "u.npy", NULL);
  g_autofree char *target = g_build_filename (partition, relative, NULL);

  cep_cli_test_write_utterance (partition, "u", 3, 13, TRUE);
  copy_file (hostile, target);
  return root;
}

static char *
make_run (const char *work,
          const char *relative,
          const char *hostile)
{
  char *run = g_build_filename (work, "run", NULL);
  g_autofree char *experiment = g_build_filename (run, "experiment.json", NULL);
  g_autofree char *target = g_build_filename (run, relative, NULL);

  copy_file (hostile, target);
  g_assert_true (g_file_set_contents (experiment, "{\"format\": \"cepstra-experiment\", "
                                      "\"model\": {\"preset\": \"tiny\"}, \"train\": {}}", -1,
                                      NULL));
  return run;
}

/* A run folder to import whose file of @kind (safetensors: best, metrics, experiment) is
 * @hostile; its other files are good, an empty metrics.jsonl (a run not yet started) among
 * them, so the import reaches the hostile one. */
static char *
make_import_run (const char  *work,
                 const char  *kind,
                 const char  *hostile,
                 char       **named)
{
  char *run = g_build_filename (work, "run", NULL);
  g_autofree char *metrics = g_build_filename (run, "metrics.jsonl", NULL);
  g_autofree char *experiment = g_build_filename (run, "experiment.json", NULL);

  g_free (make_run (work, "metrics.jsonl", hostile));
  if (!g_str_equal (kind, "metrics"))
    g_assert_true (g_file_set_contents (metrics, "", 0, NULL));
  if (g_str_equal (kind, "experiment"))
    copy_file (hostile, experiment);
  if (g_str_equal (kind, "safetensors"))
    {
      g_autofree char *best = g_build_filename (run, "checkpoints", "best.safetensors", NULL);
      copy_file (hostile, best);
    }
  *named = g_str_equal (kind, "safetensors") ? g_strdup ("best.safetensors")
                                             : g_path_get_basename (g_str_equal (kind, "metrics")
                                                                    ? metrics : experiment);
  return run;
}

/* The command line that reads @hostile as @kind, and the name its message must carry. */
static GStrv
command_for (const HostileCase  *c,
             const char         *work,
             const char         *hostile,
             char              **named)
{
  g_autofree char *out = g_build_filename (work, "out", NULL);
  g_autofree char *folder = NULL;

  if (g_str_equal (c->kind, "npy") || g_str_equal (c->kind, "transcript"))
    {
      folder = make_dataset (work, c->kind, hostile);
      *named = g_build_filename (g_str_equal (c->kind, "npy") ? "mfcc" : "transcript", "u.npy",
                                 NULL);
      return g_strdupv ((char *[]) { "inspect", folder, NULL });
    }
  if (g_str_equal (c->kind, "phonemes"))
    {
      *named = g_strdup (hostile);
      return g_strdupv ((char *[]) { "inspect", "--phonemes", (char *) hostile, NULL });
    }
  if (g_str_equal (c->kind, "safetensors"))
    {
      folder = make_run (work, "checkpoints/best.safetensors", hostile);
      *named = g_strdup ("best.safetensors");
      return g_strdupv ((char *[]) { "eval", folder, "--threads", "1", NULL });
    }
  if (g_str_equal (c->kind, "experiment"))
    {
      *named = g_strdup (hostile);
      return g_strdupv ((char *[]) { "train", "--experiment", (char *) hostile, "--out", out,
                                     NULL });
    }
  if (g_str_equal (c->kind, "metrics"))
    {
      g_autofree char *csv = g_build_filename (work, "curves.csv", NULL);
      folder = make_run (work, "metrics.jsonl", hostile);
      *named = g_strdup ("metrics.jsonl");
      return g_strdupv ((char *[]) { "plot", folder, "--csv", csv, NULL });
    }
  if (g_str_equal (c->kind, "handin"))
    {
      /* Alone in the class folder: no dataset is needed, as nothing in it can be evaluated. */
      g_autofree char *target = NULL;
      folder = g_build_filename (work, "handins", NULL);
      target = g_build_filename (folder, c->file, NULL);
      copy_file (hostile, target);
      *named = g_strdup (c->file);
      return g_strdupv ((char *[]) { "class", folder, NULL });
    }
  if (g_str_has_prefix (c->kind, IMPORT_PREFIX))
    {
      g_autofree char *runs = g_build_filename (work, "runs", NULL);
      folder = make_import_run (work, corpus_kind (c->kind), hostile, named);
      return g_strdupv ((char *[]) { "import-run", folder, "--into", runs, NULL });
    }
  if (g_str_equal (c->kind, "assignment"))
    {
      *named = g_strdup (hostile);
      return g_strdupv ((char *[]) { "assignment", "show", (char *) hostile, NULL });
    }
  if (g_str_equal (c->kind, "audio"))
    {
      *named = g_strdup (hostile);
      return g_strdupv ((char *[]) { "features", (char *) hostile, "--out", out, NULL });
    }
  g_error ("cases.txt: unknown kind %s", c->kind);
}

static void
test_case (gconstpointer data)
{
  const HostileCase *c = data;
  g_autofree char *work = g_dir_make_tmp ("cepstra-hostile-XXXXXX", NULL);
  g_autofree char *hostile = corpus_path (c->kind, c->file);
  g_autofree char *named = NULL;
  g_auto(GStrv) args = command_for (c, work, hostile, &named);
  g_autoptr(CepCliResult) result = cep_cli_test_runv ((const char * const *) args);

  if (result->exit_code != c->exit_code)
    g_error ("%s/%s: exit %d, want %d (%s)", c->kind, c->file, result->exit_code, c->exit_code,
             result->err);
  if (c->exit_code != 0)
    {
      const char *newline = strchr (result->err, '\n');
      /* One line: "cepstra-cli COMMAND: FILE: problem". */
      g_assert_true (newline != NULL && newline[1] == '\0');
      if (strstr (result->err, c->phrase) == NULL || strstr (result->err, named) == NULL)
        g_error ("%s/%s: “%s” lacks “%s” or the file's name %s", c->kind, c->file,
                 result->err, c->phrase, named);
    }
  cep_cli_test_remove_tree (work);
}

static GPtrArray *
read_cases (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("CEPSTRA_HOSTILE_DIR"), "cases.txt",
                                            NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *cases = g_ptr_array_new_with_free_func ((GDestroyNotify) hostile_case_free);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      HostileCase *c;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], " ", 4);
      g_assert_cmpuint (g_strv_length (fields), ==, 4);
      c = g_new0 (HostileCase, 1);
      c->kind = g_strdup (fields[0]);
      c->file = g_strdup (fields[1]);
      c->exit_code = atoi (fields[2]);
      c->phrase = g_strdup (fields[3]);
      g_ptr_array_add (cases, c);
    }
  return cases;
}

/* Every file of the corpus has its case: a file added without one would go untested. */
static void
test_every_file_has_a_case (gconstpointer data)
{
  GPtrArray *cases = (GPtrArray *) data;
  const char *kinds[] = { "npy", "transcript", "phonemes", "safetensors", "experiment",
                          "metrics", "audio", "handin", "assignment" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *folder = corpus_path (kinds[k], NULL);
      g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
      const char *name;
      guint found = 0;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          gboolean listed = FALSE;
          for (guint i = 0; i < cases->len && !listed; i++)
            {
              const HostileCase *c = g_ptr_array_index (cases, i);
              listed = g_str_equal (c->kind, kinds[k]) && g_str_equal (c->file, name);
            }
          if (!listed)
            g_error ("tests/hostile/%s/%s has no line in cases.txt", kinds[k], name);
          found++;
        }
      g_assert_cmpuint (found, >, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cases = NULL;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("CEPSTRA_HOSTILE_DIR"));
  cases = read_cases ();
  for (guint i = 0; i < cases->len; i++)
    {
      const HostileCase *c = g_ptr_array_index (cases, i);
      g_autofree char *name = g_strdup_printf ("/cli/hostile/%s/%s", c->kind, c->file);
      g_test_add_data_func (name, c, test_case);
    }
  g_test_add_data_func ("/cli/hostile/every-file-has-a-case", cases,
                        test_every_file_has_a_case);
  return g_test_run ();
}
