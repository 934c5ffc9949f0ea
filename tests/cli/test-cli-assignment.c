/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cli-assignment.c: `assignment new|show` and `train --assignment` end to end — rules
 * written and shown, each kind of flag that breaks one refused with the rule named (exit 6),
 * a hand-edited experiment refused the same way, the run's copy of the assignment, a resume
 * under another assignment and a dataset the assignment does not expect.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "cep-cli-test-util.h"

#define DIM 13

typedef struct
{
  char *root;         /* the dataset */
  char *work;         /* files of one test */
  char *experiment;   /* the teacher's starting experiment */
  char *assignment;   /* written by `assignment new` with the rules below */
} Fixture;

static void
write_partition (const char *root,
                 const char *name,
                 guint       n_utterances,
                 gsize       n_frames)
{
  g_autofree char *dir = g_build_filename (root, name, NULL);

  for (guint u = 0; u < n_utterances; u++)
    {
      g_autofree char *utterance = g_strdup_printf ("%s-%04u", name, u);
      cep_cli_test_write_utterance (dir, utterance, n_frames + 7 * u, DIM, TRUE);
    }
}

static char *
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
assert_result (CepCliResult *result,
               int           exit_code,
               const char   *phrase)
{
  if (result->exit_code != exit_code || (phrase != NULL && strstr (result->err, phrase) == NULL))
    g_error ("exit %d (want %d), stderr “%s” (want “%s”)", result->exit_code, exit_code,
             result->err, phrase != NULL ? phrase : "");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CepCliResult) made = NULL;

  fixture->root = g_dir_make_tmp ("cepstra-assignment-data-XXXXXX", NULL);
  fixture->work = g_dir_make_tmp ("cepstra-assignment-work-XXXXXX", NULL);
  write_partition (fixture->root, "train-clean-100", 4, 90);
  write_partition (fixture->root, "dev-clean", 2, 50);
  fixture->experiment = write_file (fixture->work, "start.json",
    "{\"format\": \"cepstra-experiment\", \"version\": 1,\n"
    " \"model\": {\"feature_dim\": 13, \"context\": 2, \"blocks\": [\n"
    "   {\"type\": \"linear\", \"width\": 32}, {\"type\": \"relu\"}]},\n"
    " \"train\": {\"epochs\": 2, \"batch_size\": 64, \"threads\": 1}}\n");
  fixture->assignment = g_build_filename (fixture->work, "lab.cepstra-assignment", NULL);
  made = cep_cli_test_run ("assignment", "new", "--from", fixture->experiment,
                           "--title", "Lab 3", "--lock", "train.optimizer",
                           "--max", "train.epochs=3", "--max", "model.params=100k",
                           "--min", "model.context=1", "--allow", "train.backend=blas,ref",
                           "--allow-blocks", "linear,activation,dropout", "--seed", "7",
                           "--dataset", fixture->root, "--out", fixture->assignment, NULL);
  assert_result (made, 0, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cep_cli_test_remove_tree (fixture->root);
  cep_cli_test_remove_tree (fixture->work);
  g_free (fixture->root);
  g_free (fixture->work);
  g_free (fixture->experiment);
  g_free (fixture->assignment);
}

static void
test_new_and_show (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CepCliResult) shown = cep_cli_test_run ("assignment", "show", "--json",
                                                    fixture->assignment, NULL);
  g_autoptr(CepCliResult) text = cep_cli_test_run ("assignment", "show", fixture->assignment,
                                                   NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *hash = NULL;
  JsonObject *object;
  JsonArray *rules;
  gsize length = 0;

  assert_result (shown, 0, NULL);
  root = cep_cli_result_get_json (shown);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Lab 3");
  g_assert_cmpstr (json_object_get_string_member (object, "metric"), ==, "dev_accuracy");
  g_assert_cmpint (json_object_get_int_member (object, "seed"), ==, 7);
  g_assert_true (g_file_get_contents (fixture->assignment, &contents, &length, NULL));
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  g_assert_cmpstr (json_object_get_string_member (object, "sha256"), ==, hash);
  rules = json_object_get_array_member (object, "rules");
  g_assert_cmpuint (json_array_get_length (rules), ==, 7);
  g_assert_cmpstr (json_array_get_string_element (rules, 0), ==, "locked train.optimizer");
  g_assert_cmpstr (json_array_get_string_element (rules, 3), ==, "train.epochs <= 3");
  g_assert_cmpstr (json_array_get_string_element (rules, 4), ==, "model.params <= 100000");
  assert_result (text, 0, NULL);
  g_assert_nonnull (strstr (text->out, "model.context >= 1"));
  g_assert_nonnull (strstr (text->out, hash));
}

static void
test_new_refuses (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *other = g_build_filename (fixture->work, "other.cepstra-assignment", NULL);
  const struct
  {
    const char *flag;
    const char *value;
    const char *phrase;
  } cases[] = {
    { "--lock", "train.epoch", "train.epoch: experiment.json has no such setting" },
    { "--max", "train.backend=2", "train.backend: is not a number" },
    { "--max", "train.epochs", "--max “train.epochs”: expected PATH=VALUE" },
    { "--max", "train.epochs=ten", "--max “ten”: expected a number" },
    { "--allow", "train.optimizer=rmsprop", "“rmsprop” is not one of adamw, adam, sgd" },
    { "--allow-blocks", "linear,attention", "“attention” is not a block type" },
    { "--metric", "wer", "--metric “wer”" },
    { "--max", "train.epochs=1", "breaks its own rules: train.epochs is 2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CepCliResult) result = cep_cli_test_run ("assignment", "new", "--from",
                                                         fixture->experiment, "--title", "T",
                                                         cases[i].flag, cases[i].value,
                                                         "--out", other, NULL);
      assert_result (result, 1, cases[i].phrase);
      g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
    }
  {
    g_autoptr(CepCliResult) existing = cep_cli_test_run ("assignment", "new", "--title", "T",
                                                         "--out", fixture->assignment, NULL);
    assert_result (existing, 1, "exists; give --force to replace it");
  }
}

static void
test_train_refuses_flags (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fixture->work, "run", NULL);
  const struct
  {
    const char *flag;
    const char *value;
    const char *rule;
  } cases[] = {
    { "--epochs", "4", "train.epochs is 4, but the assignment “Lab 3” allows at most 3 "
                       "(rule train.epochs <= 3)" },
    { "--optimizer", "sgd", "(rule locked train.optimizer)" },
    { "--lr", "0.01", "(rule locked train.optimizer)" },
    { "--seed", "8", "seed is 8, but the assignment “Lab 3” fixes it at 7 (rule seed = 7)" },
    { "--context", "0", "(rule model.context >= 1)" },
    { "--backend", "vulkan", "(rule train.backend in {blas, ref})" },
    { "--preset", "tiny", "(rule model.params <= 100000)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CepCliResult) result = cep_cli_test_run ("train", "--assignment",
                                                         fixture->assignment, "--data",
                                                         fixture->root, cases[i].flag,
                                                         cases[i].value, "--out", out, NULL);
      assert_result (result, 6, cases[i].rule);
      g_assert_nonnull (strstr (result->err, fixture->assignment));
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }
}

/* A student who edits the experiment by hand meets the same rules, named with the file. */
static void
test_train_refuses_edited_experiment (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fixture->work, "run", NULL);
  g_autofree char *edited = write_file (fixture->work, "edited.json",
    "{\"format\": \"cepstra-experiment\", \"version\": 1, \"seed\": 7,\n"
    " \"model\": {\"feature_dim\": 13, \"context\": 2, \"blocks\": [\n"
    "   {\"type\": \"linear\", \"width\": 32}, {\"type\": \"layer_norm\"}]},\n"
    " \"train\": {\"epochs\": 2, \"batch_size\": 64}}\n");
  g_autofree char *prefix = g_strconcat (edited, ": model.blocks[1] is a layer_norm block",
                                         NULL);
  g_autoptr(CepCliResult) result = cep_cli_test_run ("train", "--assignment",
                                                     fixture->assignment, "--experiment",
                                                     edited, "--data", fixture->root,
                                                     "--out", out, NULL);

  assert_result (result, 6, prefix);
  g_assert_nonnull (strstr (result->err, "(rule blocks in {linear, activation, dropout})"));
}

static void
test_train_records_assignment (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fixture->work, "run", NULL);
  g_autofree char *copy = g_build_filename (out, "assignment.cepstra-assignment", NULL);
  g_autofree char *original = NULL;
  g_autofree char *recorded = NULL;
  g_autofree char *other = g_build_filename (fixture->work, "other.cepstra-assignment", NULL);
  g_autoptr(CepCliResult) trained = cep_cli_test_run ("train", "--assignment",
                                                      fixture->assignment, "--data",
                                                      fixture->root, "--epochs", "1",
                                                      "--out", out, NULL);
  g_autoptr(CepCliResult) made = NULL;
  g_autoptr(CepCliResult) resumed = NULL;
  g_autoptr(CepCliResult) resumed_same = NULL;

  assert_result (trained, 0, NULL);
  g_assert_true (g_file_get_contents (fixture->assignment, &original, NULL, NULL));
  g_assert_true (g_file_get_contents (copy, &recorded, NULL, NULL));
  g_assert_cmpstr (recorded, ==, original);

  /* A run keeps the assignment it started under. */
  made = cep_cli_test_run ("assignment", "new", "--from", fixture->experiment, "--title",
                           "Lab 4", "--out", other, NULL);
  assert_result (made, 0, NULL);
  resumed = cep_cli_test_run ("train", "--resume", out, "--assignment", other, "--epochs", "2",
                              NULL);
  assert_result (resumed, 6, "the run was not started under this assignment");
  /* Resumed without --assignment, the recorded one still holds. */
  resumed_same = cep_cli_test_run ("train", "--resume", out, "--epochs", "4", NULL);
  assert_result (resumed_same, 6, "(rule train.epochs <= 3)");
}

static void
test_train_wrong_dataset (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *other = g_dir_make_tmp ("cepstra-assignment-other-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (fixture->work, "run", NULL);
  g_autoptr(CepCliResult) result = NULL;

  write_partition (other, "train-clean-100", 3, 80);
  result = cep_cli_test_run ("train", "--assignment", fixture->assignment, "--data", other,
                             "--out", out, NULL);
  assert_result (result, 2, "not the dataset the assignment “Lab 3” expects");
  g_assert_nonnull (strstr (result->err, other));
  cep_cli_test_remove_tree (other);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/cli/assignment/new-and-show", test_new_and_show);
  ADD ("/cli/assignment/new-refuses", test_new_refuses);
  ADD ("/cli/assignment/train-refuses-flags", test_train_refuses_flags);
  ADD ("/cli/assignment/train-refuses-edited-experiment", test_train_refuses_edited_experiment);
  ADD ("/cli/assignment/train-records-assignment", test_train_records_assignment);
  ADD ("/cli/assignment/train-wrong-dataset", test_train_wrong_dataset);
#undef ADD

  return g_test_run ();
}
