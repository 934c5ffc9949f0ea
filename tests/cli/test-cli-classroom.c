/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The classroom's whole loop, headless, through cepstra-cli: the teacher makes an assignment,
 * students train under it and hand in (one breaks a rule and is refused, one tampers with a
 * metric after training), and the teacher's `class` re-measures every hand-in and flags what
 * is wrong. Then every bad hand-in the issue names — hand-edited, truncated, for another
 * assignment, a student twice, `../`, an absolute path, a symlink, far larger than its
 * manifest — beside good ones, each reported with its reason and none stopping the others.
 */
#include "cep-cli.h"
#include "cep-cli-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define DIM 28

static char *work;       /* everything the tests write */
static char *dataset;    /* the class's dataset, the teacher's copy too */
static char *assignment; /* the teacher's assignment: at most 2 epochs, AdamW locked */
static char *alice_run;  /* an honest run under it */

static void
write_partition (const char *name,
                 guint       n_utterances,
                 gsize       n_frames)
{
  g_autofree char *dir = g_build_filename (dataset, name, NULL);

  for (guint u = 0; u < n_utterances; u++)
    {
      g_autofree char *utterance = g_strdup_printf ("%s-%04u", name, u);

      cep_cli_test_write_utterance (dir, utterance, n_frames, DIM, TRUE);
    }
}

static char *
path_in_work (const char *name)
{
  return g_build_filename (work, name, NULL);
}

/* Takes @result and requires it succeeded. */
static void
succeed (CepCliResult *result)
{
  if (result->exit_code != 0)
    g_error ("exit %d: %s", result->exit_code, result->err);
  cep_cli_result_free (result);
}

/* Trains a student's run under @with_assignment (NULL: none) into @name. */
static CepCliResult *
train (const char *name,
       const char *with_assignment,
       const char *epochs,
       const char *seed)
{
  g_autofree char *out = path_in_work (name);
  GPtrArray *args = g_ptr_array_new ();
  CepCliResult *result;

  g_ptr_array_add (args, "train");
  if (with_assignment != NULL)
    {
      g_ptr_array_add (args, "--assignment");
      g_ptr_array_add (args, (char *) with_assignment);
    }
  g_ptr_array_add (args, "--data");
  g_ptr_array_add (args, dataset);
  g_ptr_array_add (args, "--epochs");
  g_ptr_array_add (args, (char *) epochs);
  g_ptr_array_add (args, "--seed");
  g_ptr_array_add (args, (char *) seed);
  g_ptr_array_add (args, "--out");
  g_ptr_array_add (args, out);
  g_ptr_array_add (args, NULL);
  result = cep_cli_test_runv ((const char * const *) args->pdata);
  g_ptr_array_free (args, TRUE);
  return result;
}

static CepCliResult *
hand_in (const char *run,
         const char *student,
         const char *folder,
         const char *file)
{
  g_autofree char *run_dir = path_in_work (run);
  g_autofree char *dir = path_in_work (folder);
  g_autofree char *out = g_build_filename (dir, file, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return cep_cli_test_run ("handin", run_dir, "--student", student, "--out", out, NULL);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

/* The row of the class's JSON whose file is @file. */
static JsonObject *
find_row (JsonNode   *root,
          const char *file)
{
  JsonArray *rows = json_object_get_array_member (json_node_get_object (root), "handins");

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_str_equal (json_object_get_string_member (row, "file"), file))
        return row;
    }
  g_error ("no row for %s", file);
}

static gboolean
row_has_flag (JsonObject *row,
              const char *flag)
{
  JsonArray *flags = json_object_get_array_member (row, "flags");

  for (guint i = 0; i < json_array_get_length (flags); i++)
    if (g_str_equal (json_array_get_string_element (flags, i), flag))
      return TRUE;
  return FALSE;
}

/* @row has exactly @flag among its flags (NULL: none) and a reason containing @phrase. */
static void
assert_row (JsonObject *row,
            const char *flag,
            const char *phrase)
{
  JsonArray *flags = json_object_get_array_member (row, "flags");
  JsonArray *reasons = json_object_get_array_member (row, "reasons");
  gboolean said = phrase == NULL;

  if (flag == NULL)
    {
      if (json_array_get_length (flags) != 0)
        g_error ("%s: flagged: %s", json_object_get_string_member (row, "file"),
                 json_array_get_string_element (reasons, 0));
      return;
    }
  if (!row_has_flag (row, flag))
    g_error ("%s: not flagged %s", json_object_get_string_member (row, "file"), flag);
  for (guint i = 0; !said && i < json_array_get_length (reasons); i++)
    said = strstr (json_array_get_string_element (reasons, i), phrase) != NULL;
  if (!said)
    g_error ("%s: no reason says “%s”", json_object_get_string_member (row, "file"), phrase);
}

static JsonNode *
open_class (const char   *folder,
            int           exit_code,
            CepCliResult **kept)
{
  g_autofree char *dir = path_in_work (folder);
  CepCliResult *result = cep_cli_test_run ("class", dir, "--dataset", dataset, "--assignment",
                                           assignment, "--json", NULL);
  JsonNode *root;

  if (result->exit_code != exit_code)
    g_error ("class: exit %d, want %d: %s", result->exit_code, exit_code, result->err);
  root = cep_cli_result_get_json (result);
  if (kept != NULL)
    *kept = result;
  else
    cep_cli_result_free (result);
  return root;
}

static double
best_accuracy (GRegex     *accuracy,
               const char *metrics)
{
  g_autoptr(GMatchInfo) match = NULL;
  double best = 0;

  g_regex_match (accuracy, metrics, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *number = g_match_info_fetch (match, 1);

      best = MAX (best, g_ascii_strtod (number, NULL));
      g_match_info_next (match, NULL);
    }
  return best;
}

/* The "Done when": the loop from the assignment to the re-measured table. */
static void
test_whole_loop (void)
{
  g_autoptr(CepCliResult) refused = NULL;
  g_autoptr(CepCliResult) bob = NULL;
  g_autoptr(CepCliResult) class_result = NULL;
  g_autoptr(CepCliResult) text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *bob_run = path_in_work ("bob-run");
  g_autofree char *bob_copy = g_build_filename (bob_run, "assignment.cepstra-assignment", NULL);
  g_autofree char *bob_file = path_in_work ("handins/bob.cepstra-handin");
  g_autofree char *carol_metrics = path_in_work ("carol-run/metrics.jsonl");
  g_autofree char *metrics = NULL;
  g_autofree char *csv_path = path_in_work ("class.csv");
  g_autofree char *png_path = path_in_work ("class.png");
  g_autofree char *csv = NULL;
  g_autofree char *png = NULL;
  g_autofree char *handins = path_in_work ("handins");
  g_autofree char *csv_flag = g_strconcat ("--csv=", csv_path, NULL);
  g_autoptr(GRegex) accuracy = g_regex_new ("\"dev_accuracy\": *([0-9.e-]+)", 0, 0, NULL);
  g_autofree char *tampered = NULL;
  g_autofree char *claim = NULL;
  g_autofree char *phrase = NULL;
  double lie;
  JsonObject *row;
  gsize length;

  /* Alice trains under the assignment and hands in. */
  succeed (hand_in ("alice-run", "Alice", "handins", "alice.cepstra-handin"));

  /* Bob asks for more epochs than the assignment allows: refused by train, naming the rule. */
  refused = train ("bob-refused", assignment, "3", "2");
  g_assert_cmpint (refused->exit_code, ==, CEP_CLI_EXIT_RULE);
  g_assert_nonnull (strstr (refused->err, "train.epochs"));
  /* He trains without it, claims the assignment anyway, and the hand-in is refused. */
  succeed (train ("bob-run", NULL, "3", "2"));
  copy_file (assignment, bob_copy);
  bob = hand_in ("bob-run", "Bob", "handins", "bob.cepstra-handin");
  g_assert_cmpint (bob->exit_code, ==, CEP_CLI_EXIT_RULE);
  g_assert_nonnull (strstr (bob->err, "breaks the assignment's rule train.epochs"));
  g_assert_false (g_file_test (bob_file, G_FILE_TEST_EXISTS));

  /* Carol trains under it, then raises her dev accuracy in metrics.jsonl and hands in. */
  succeed (train ("carol-run", assignment, "2", "3"));
  g_assert_true (g_file_get_contents (carol_metrics, &metrics, &length, NULL));
  /* Far from the truth whatever it was: 0.05 above a real best over one half, 0.95 below. */
  lie = best_accuracy (accuracy, metrics) > 0.5 ? 0.05 : 0.95;
  claim = g_strdup_printf ("\"dev_accuracy\": %.2f", lie);
  phrase = g_strdup_printf ("metrics.jsonl claims %.4f", lie);
  tampered = g_regex_replace_literal (accuracy, metrics, -1, 0, claim, 0, NULL);
  g_assert_cmpstr (tampered, !=, metrics);
  g_assert_true (g_file_set_contents (carol_metrics, tampered, -1, NULL));
  succeed (hand_in ("carol-run", "Carol", "handins", "carol.cepstra-handin"));

  /* The teacher opens the hand-ins: Alice's metric reproduces, Carol's does not. */
  root = open_class ("handins", CEP_CLI_EXIT_INVALID_DATA, &class_result);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (root), "handins")), ==, 2);
  row = find_row (root, "alice.cepstra-handin");
  assert_row (row, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (row, "student"), ==, "Alice");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "measured"),
                                  json_object_get_double_member (row, "claimed"), 1e-6);
  g_assert_cmpint (json_object_get_int_member (row, "parameters"), >, 0);
  g_assert_cmpint (json_object_get_int_member (row, "epochs_done"), ==, 2);
  row = find_row (root, "carol.cepstra-handin");
  assert_row (row, "not-reproduced", phrase);
  g_assert_cmpfloat (json_object_get_double_member (row, "claimed"), ==, lie);
  g_assert_cmpfloat (fabs (json_object_get_double_member (row, "measured") - lie), >, 0.4);
  /* One line on standard error names Carol's file and why. */
  g_assert_nonnull (strstr (class_result->err, "carol.cepstra-handin: the dev_accuracy does "
                                               "not reproduce"));
  g_assert_null (strstr (class_result->err, "alice"));

  /* The same table as text, CSV and a figure. */
  text = cep_cli_test_run ("class", handins, "--dataset", dataset, "--assignment", assignment,
                           csv_flag, "--png", png_path, NULL);
  g_assert_cmpint (text->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_nonnull (strstr (text->out, "Alice"));
  g_assert_nonnull (strstr (text->out, "not-reproduced"));
  g_assert_nonnull (strstr (text->out, "2 hand-ins, 1 flagged"));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "file,student,assignment,model,parameters,"));
  g_assert_nonnull (strstr (csv, "\nalice.cepstra-handin,Alice,"));
  g_assert_nonnull (strstr (csv, ",not-reproduced,"));
  g_assert_true (g_file_get_contents (png_path, &png, &length, NULL));
  g_assert_cmpmem (png, 8, "\x89PNG\r\n\x1a\n", 8);
}

static void
test_handin_refuses (void)
{
  g_autofree char *out = path_in_work ("refuse/alice.cepstra-handin");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CepCliResult) again = NULL;
  g_autoptr(CepCliResult) no_student = NULL;
  g_autoptr(CepCliResult) no_run = NULL;

  succeed (hand_in ("alice-run", "Alice", "refuse", "alice.cepstra-handin"));
  g_assert_true (g_file_get_contents (out, &before, NULL, NULL));
  /* Never clobbered without --force. */
  again = hand_in ("alice-run", "Someone Else", "refuse", "alice.cepstra-handin");
  g_assert_cmpint (again->exit_code, ==, CEP_CLI_EXIT_OUTPUT);
  g_assert_nonnull (strstr (again->err, "--force"));
  g_assert_true (g_file_get_contents (out, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  succeed (cep_cli_test_run ("handin", alice_run, "--student", "Alice", "--out", out, "--force",
                             NULL));
  no_student = cep_cli_test_run ("handin", alice_run, "--out", out, NULL);
  g_assert_cmpint (no_student->exit_code, ==, CEP_CLI_EXIT_USAGE);
  no_run = cep_cli_test_run ("handin", work, "--student", "Alice", "--out", out, "--force",
                             NULL);
  g_assert_cmpint (no_run->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
}

/* Overwrites the first occurrence of @from in @path's bytes with @to (same length). */
static void
edit_bytes (const char *path,
            const char *from,
            const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;
  char *at;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  at = memmem (contents, length, from, strlen (from));
  g_assert_nonnull (at);
  memcpy (at, to, strlen (to));
  g_assert_true (g_file_set_contents (path, contents, (gssize) length, NULL));
}

static void
truncate_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) (length * 2 / 3), NULL));
}

static void
add_hostile (const char *name)
{
  g_autofree char *from = g_build_filename (g_getenv ("CEPSTRA_HOSTILE_DIR"), "handin", name,
                                            NULL);
  g_autofree char *to = g_build_filename (work, "mixed", name, NULL);

  copy_file (from, to);
}

static void
make_other_assignment (void)
{
  g_autofree char *other = path_in_work ("other.cepstra-assignment");
  g_autofree char *contents = NULL;
  g_autoptr(GRegex) title = g_regex_new ("\"title\": *\"[^\"]*\"", 0, 0, NULL);
  g_autofree char *retitled = NULL;

  g_assert_true (g_file_get_contents (assignment, &contents, NULL, NULL));
  retitled = g_regex_replace_literal (title, contents, -1, 0, "\"title\": \"Another lab\"", 0,
                                      NULL);
  g_assert_true (g_file_set_contents (other, retitled, -1, NULL));
  succeed (train ("dora-run", other, "1", "4"));
}

/* Every bad hand-in beside two good ones: a row each with its reason; the good ones measured. */
static void
test_bad_handins (void)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *edited = path_in_work ("mixed/edited.cepstra-handin");
  g_autofree char *truncated = path_in_work ("mixed/truncated-real.cepstra-handin");
  g_autofree char *alice = path_in_work ("mixed/alice.cepstra-handin");
  g_autofree char *alice_again = path_in_work ("mixed/alice-again.cepstra-handin");
  const char *hostile[] = { "dot-dot.cepstra-handin", "absolute.cepstra-handin",
                            "symlink.cepstra-handin", "far-larger.cepstra-handin" };
  JsonObject *row;

  succeed (hand_in ("alice-run", "Alice", "mixed", "alice.cepstra-handin"));
  succeed (hand_in ("alice-run", "Erin", "mixed", "edited.cepstra-handin"));
  succeed (hand_in ("alice-run", "Frank", "mixed", "truncated-real.cepstra-handin"));
  make_other_assignment ();
  succeed (hand_in ("dora-run", "Dora", "mixed", "dora.cepstra-handin"));
  copy_file (alice, alice_again);
  /* Hand-edited after handing in: experiment.json's batch size changed in place. */
  edit_bytes (edited, "\"batch_size\": 1024", "\"batch_size\": 2048");
  truncate_file (truncated);
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    add_hostile (hostile[i]);

  root = open_class ("mixed", CEP_CLI_EXIT_INVALID_DATA, NULL);
  assert_row (find_row (root, "alice.cepstra-handin"), "duplicate-student", "“Alice” handed in 2");
  assert_row (find_row (root, "alice-again.cepstra-handin"), "duplicate-student", NULL);
  row = find_row (root, "alice.cepstra-handin");
  g_assert_false (isnan (json_object_get_double_member (row, "measured")));
  assert_row (find_row (root, "edited.cepstra-handin"), "tampered",
              "“experiment.json” was changed after it was handed in");
  assert_row (find_row (root, "truncated-real.cepstra-handin"), "unreadable", "truncated");
  assert_row (find_row (root, "dora.cepstra-handin"), "other-assignment",
              "another assignment (“Another lab”");
  row = find_row (root, "dora.cepstra-handin");
  g_assert_false (json_node_is_null (json_object_get_member (row, "measured")));
  assert_row (find_row (root, "dot-dot.cepstra-handin"), "unreadable", "“../escaped” is refused");
  assert_row (find_row (root, "absolute.cepstra-handin"), "unreadable",
              "“/tmp/cepstra-escaped” is refused");
  assert_row (find_row (root, "symlink.cepstra-handin"), "unreadable", "is a symbolic link");
  assert_row (find_row (root, "far-larger.cepstra-handin"), "unreadable", "far more than");
  g_assert_false (g_file_test ("/tmp/cepstra-escaped", G_FILE_TEST_EXISTS));
  /* The truncated hand-in's student is still named, from its manifest. */
  g_assert_cmpstr (json_object_get_string_member (find_row (root, "truncated-real.cepstra-handin"),
                                                  "student"), ==, "Frank");
}

static void
make_class (void)
{
  g_autofree char *experiment = NULL;

  work = g_dir_make_tmp ("cepstra-classroom-XXXXXX", NULL);
  experiment = path_in_work ("start.json");
  dataset = path_in_work ("dataset");
  write_partition ("train-clean-100", 4, 80);
  write_partition ("dev-clean", 2, 60);
  assignment = path_in_work ("lab.cepstra-assignment");
  alice_run = path_in_work ("alice-run");
  g_assert_true (g_file_set_contents (experiment,
                                      "{\"format\": \"cepstra-experiment\", "
                                      "\"model\": {\"preset\": \"tiny\", \"context\": 4}, "
                                      "\"train\": {\"epochs\": 2, \"batch_size\": 1024, "
                                      "\"threads\": 1}}", -1, NULL));
  succeed (cep_cli_test_run ("assignment", "new", "--from", experiment, "--title", "Lab 1",
                           "--max", "train.epochs=2", "--lock", "train.optimizer",
                           "--out", assignment, NULL));
  succeed (train ("alice-run", assignment, "2", "1"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_class ();
  g_test_add_func ("/cli/classroom/whole-loop", test_whole_loop);
  g_test_add_func ("/cli/classroom/handin-refuses", test_handin_refuses);
  g_test_add_func ("/cli/classroom/bad-handins", test_bad_handins);
  status = g_test_run ();
  cep_cli_test_remove_tree (work);
  g_free (work);
  g_free (dataset);
  g_free (assignment);
  g_free (alice_run);
  return status;
}
