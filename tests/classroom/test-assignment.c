/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-assignment.c: assignments — each rule kept and broken (and the rule named), the file
 * read back to the same bytes and hash, refused files, the copy a run keeps, and the
 * experiment paths the rules name.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cep-assignment.h"
#include "cep-experiment-paths.h"

#define TITLE "Lab 3"

static CepAssignment *
new_assignment (void)
{
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();

  return cep_assignment_new (TITLE, experiment);
}

/* Checks @experiment and requires @rule broken, with the rule's name in the message. */
static void
assert_breaks (CepAssignment       *assignment,
               const CepExperiment *experiment,
               const char          *rule)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *named = g_strdup_printf ("(rule %s)", rule);

  g_assert_false (cep_assignment_check_experiment_full (assignment, experiment, &broken,
                                                        &error));
  g_assert_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_RULE);
  g_assert_cmpstr (broken, ==, rule);
  g_assert_true (g_str_has_suffix (error->message, named));
  g_assert_nonnull (strstr (error->message, "“" TITLE "”"));
}

static void
assert_keeps (CepAssignment       *assignment,
              const CepExperiment *experiment)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *broken = NULL;

  g_assert_true (cep_assignment_check_experiment_full (assignment, experiment, &broken,
                                                       &error));
  g_assert_no_error (error);
  g_assert_null (broken);
}

static void
test_paths (void)
{
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autoptr(CepExperiment) other = cep_experiment_new ();
  const CepExperimentPath *path;
  g_autofree char *text = NULL;
  double value = 0;
  guint n = cep_experiment_paths_get_n ();

  g_assert_cmpuint (n, >, 40);
  for (guint i = 0; i < n; i++)
    g_assert_true (cep_experiment_path_lookup (cep_experiment_paths_get (i)->path)
                   == cep_experiment_paths_get (i));
  path = cep_experiment_path_lookup ("train.optimizer.lr");
  g_assert_nonnull (path);
  g_assert_cmpint (path->kind, ==, CEP_EXPERIMENT_PATH_SETTING);
  g_assert_true (cep_experiment_path_is_numeric (path));
  g_assert_cmpint (cep_experiment_path_lookup ("train.optimizer")->kind, ==,
                   CEP_EXPERIMENT_PATH_OBJECT);
  g_assert_cmpint (cep_experiment_path_lookup ("model.blocks")->kind, ==,
                   CEP_EXPERIMENT_PATH_LIST);
  g_assert_true (cep_experiment_path_is_numeric (cep_experiment_path_lookup ("model.params")));
  g_assert_false (cep_experiment_path_is_numeric (
                    cep_experiment_path_lookup ("train.optimizer.type")));
  g_assert_null (cep_experiment_path_lookup ("train.epoch"));
  g_assert_null (cep_experiment_path_lookup ("train."));
  g_assert_true (cep_experiment_path_is_within ("train.optimizer.lr", "train"));
  g_assert_true (cep_experiment_path_is_within ("train", "train"));
  g_assert_false (cep_experiment_path_is_within ("training", "train"));

  g_assert_true (cep_experiment_get_number (experiment, "train.epochs", &value));
  g_assert_cmpfloat (value, ==, 5);
  g_assert_true (cep_experiment_get_number (experiment, "model.params", &value));
  g_assert_cmpfloat (value, ==, (double) cep_model_spec_count_params (experiment->model));
  g_assert_false (cep_experiment_get_number (experiment, "train.optimizer.type", &value));
  /* A symmetric window does not write its sides. */
  g_assert_false (cep_experiment_get_number (experiment, "model.context_past", &value));
  text = cep_experiment_get_text (experiment, "train.optimizer.type");
  g_assert_cmpstr (text, ==, "adamw");
  g_clear_pointer (&text, g_free);
  text = cep_experiment_get_text (experiment, "train.optimizer.lr");
  g_assert_cmpstr (text, ==, "0.001");
  g_clear_pointer (&text, g_free);
  text = cep_experiment_get_text (experiment, "data.root");
  g_assert_cmpstr (text, ==, "null");

  g_assert_true (cep_experiment_path_equal (experiment, other, "train"));
  other->train.optimizer.eps = 1e-6;
  g_assert_false (cep_experiment_path_equal (experiment, other, "train"));
  g_assert_false (cep_experiment_path_equal (experiment, other, "train.optimizer"));
  g_assert_true (cep_experiment_path_equal (experiment, other, "train.optimizer.lr"));
  g_assert_true (cep_experiment_path_equal (experiment, other, "model.blocks"));
  cep_model_spec_add (other->model, cep_block_dropout (0.1));
  g_assert_false (cep_experiment_path_equal (experiment, other, "model.blocks"));
  g_assert_false (cep_experiment_path_equal (experiment, other, "model"));
}

static void
test_locked (void)
{
  g_autoptr(CepAssignment) assignment = new_assignment ();
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autoptr(GError) error = NULL;
  CepAssignmentFieldRule rule;

  g_assert_true (cep_assignment_add_locked (assignment, "train.optimizer.type", &error));
  g_assert_no_error (error);
  assert_keeps (assignment, experiment);
  experiment->train.optimizer.lr = 0.1;
  assert_keeps (assignment, experiment);
  experiment->train.optimizer.kind = CEP_EXPERIMENT_OPTIMIZER_SGD;
  assert_breaks (assignment, experiment, "locked train.optimizer.type");
  cep_assignment_check_experiment (assignment, experiment, &error);
  g_assert_cmpstr (error->message, ==, "train.optimizer.type is sgd, but the assignment “"
                   TITLE "” fixes it at adamw (rule locked train.optimizer.type)");

  /* An object locks every setting in it. */
  experiment->train.optimizer.kind = CEP_EXPERIMENT_OPTIMIZER_ADAMW;
  g_assert_true (cep_assignment_add_locked (assignment, "train.optimizer", NULL));
  assert_breaks (assignment, experiment, "locked train.optimizer");
  g_assert_true (cep_assignment_get_field_rule (assignment, "train.optimizer.lr", &rule));
  g_assert_true (rule.locked);
  g_assert_false (rule.hidden);
  g_assert_false (cep_assignment_get_field_rule (assignment, "train.epochs", &rule));
  g_assert_false (rule.locked);
}

/* The dataset's folder, the device and the thread count are the student's computer's: a
 * lock on what holds them leaves them free, and they cannot be locked themselves. */
static void
test_machine_local_settings_free (void)
{
  g_autoptr(CepAssignment) assignment = new_assignment ();
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autoptr(GError) error = NULL;
  CepAssignmentFieldRule rule;

  g_assert_true (cep_assignment_add_locked (assignment, "data", NULL));
  g_assert_true (cep_assignment_add_hidden (assignment, "train", NULL));
  experiment->data.root = g_strdup ("/home/student/hw1p2");
  experiment->train.device = g_strdup ("1");
  experiment->train.threads = 2;
  assert_keeps (assignment, experiment);
  g_assert_false (cep_assignment_get_field_rule (assignment, "train.threads", &rule));
  experiment->data.subset_every = 2;
  assert_breaks (assignment, experiment, "locked data");
  g_assert_false (cep_assignment_add_locked (assignment, "data.root", &error));
  g_assert_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "belongs to the student's computer"));
}

static void
test_hidden_locks_too (void)
{
  g_autoptr(CepAssignment) assignment = new_assignment ();
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  CepAssignmentFieldRule rule;

  g_assert_true (cep_assignment_add_hidden (assignment, "augment", NULL));
  g_assert_true (cep_assignment_get_field_rule (assignment, "augment.enabled", &rule));
  g_assert_true (rule.hidden);
  g_assert_true (rule.locked);
  assert_keeps (assignment, experiment);
  experiment->augment.enabled = TRUE;
  assert_breaks (assignment, experiment, "hidden augment");
}

static void
test_blocks_locked (void)
{
  g_autoptr(CepAssignment) assignment = new_assignment ();
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (cep_assignment_add_locked (assignment, "model.blocks", NULL));
  assert_keeps (assignment, experiment);
  cep_model_spec_add (experiment->model, cep_block_dropout (0.2));
  assert_breaks (assignment, experiment, "locked model.blocks");
  /* The computed count can only be bounded. */
  g_assert_false (cep_assignment_add_locked (assignment, "model.params", &error));
  g_assert_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "bound it instead"));
}

static void
test_bounds (void)
{
  g_autoptr(CepAssignment) assignment = new_assignment ();
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autoptr(GError) error = NULL;
  guint64 params = cep_model_spec_count_params (experiment->model);
  g_autofree char *params_rule = g_strdup_printf ("model.params <= %" G_GUINT64_FORMAT,
                                                  params);
  CepAssignmentFieldRule rule;

  g_assert_true (cep_assignment_set_max (assignment, "train.epochs", 10, NULL));
  g_assert_true (cep_assignment_set_min (assignment, "model.context", 5, NULL));
  g_assert_true (cep_assignment_set_max (assignment, "model.context", 30, NULL));
  g_assert_true (cep_assignment_set_max (assignment, "model.params", (double) params, NULL));
  assert_keeps (assignment, experiment);

  experiment->train.epochs = 10;
  assert_keeps (assignment, experiment);
  experiment->train.epochs = 11;
  assert_breaks (assignment, experiment, "train.epochs <= 10");
  cep_assignment_check_experiment (assignment, experiment, &error);
  g_assert_cmpstr (error->message, ==, "train.epochs is 11, but the assignment “" TITLE
                   "” allows at most 10 (rule train.epochs <= 10)");
  experiment->train.epochs = 5;
  cep_model_spec_set_context_window (experiment->model, 4, 4);
  assert_breaks (assignment, experiment, "model.context >= 5");
  cep_model_spec_set_context_window (experiment->model, 30, 30);
  cep_model_spec_add (experiment->model, cep_block_linear (1024));
  assert_breaks (assignment, experiment, params_rule);

  g_assert_true (cep_assignment_get_field_rule (assignment, "model.context", &rule));
  g_assert_false (rule.locked);
  g_assert_true (rule.has_min && rule.has_max);
  g_assert_cmpfloat (rule.min, ==, 5);
  g_assert_cmpfloat (rule.max, ==, 30);
}

static void
test_bad_rules_refused (void)
{
  g_autoptr(CepAssignment) assignment = new_assignment ();
  const char *adam[] = { "adam", NULL };
  const char *bogus[] = { "rmsprop", NULL };
  const char *empty[] = { NULL };
  const char *blocks[] = { "linear", "transformer", NULL };
  const char *messages[] = {
    "train.epoch: experiment.json has no such setting",
    "train.backend: is not a number, so it cannot be bounded",
    "train.epochs: only a choice or a text setting can have a set of allowed values",
    "train.optimizer.type: “rmsprop” is not one of adamw, adam, sgd",
    "train.optimizer.type: the set of allowed values is empty",
    "train.epochs: the minimum 20 is above the maximum 10",
    "allowed_blocks: “transformer” is not a block type",
    "train.epochs: a bound must be a finite number",
  };
  GError *errors[G_N_ELEMENTS (messages)] = { NULL };
  gboolean kept[G_N_ELEMENTS (messages)];
  CepAssignmentFieldRule rule;

  kept[0] = cep_assignment_add_locked (assignment, "train.epoch", &errors[0]);
  kept[1] = cep_assignment_set_max (assignment, "train.backend", 1, &errors[1]);
  kept[2] = cep_assignment_set_allowed (assignment, "train.epochs", adam, &errors[2]);
  kept[3] = cep_assignment_set_allowed (assignment, "train.optimizer", bogus, &errors[3]);
  kept[4] = cep_assignment_set_allowed (assignment, "train.optimizer", empty, &errors[4]);
  g_assert_true (cep_assignment_set_max (assignment, "train.epochs", 10, NULL));
  kept[5] = cep_assignment_set_min (assignment, "train.epochs", 20, &errors[5]);
  kept[6] = cep_assignment_set_allowed_blocks (assignment, blocks, &errors[6]);
  kept[7] = cep_assignment_set_max (assignment, "train.epochs", INFINITY, &errors[7]);
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_assert_false (kept[i]);
      g_assert_error (errors[i], CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (errors[i]->message, messages[i]));
      g_error_free (errors[i]);
    }
  /* A refused bound leaves the one before. */
  g_assert_true (cep_assignment_get_field_rule (assignment, "train.epochs", &rule));
  g_assert_false (rule.has_min);
  g_assert_cmpfloat (rule.max, ==, 10);
}

static void
test_allowed (void)
{
  g_autoptr(CepAssignment) assignment = new_assignment ();
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  const char *optimizers[] = { "adamw", "sgd", NULL };
  const char *backends[] = { "ref", "blas", NULL };
  const char *blocks[] = { "linear", "batch_norm", "activation", "dropout", NULL };
  g_autoptr(GError) error = NULL;
  CepAssignmentFieldRule rule;

  /* An object's "type" is what its allowed set means. */
  g_assert_true (cep_assignment_set_allowed (assignment, "train.optimizer", optimizers, NULL));
  g_assert_true (cep_assignment_set_allowed (assignment, "train.backend", backends, NULL));
  g_assert_true (cep_assignment_set_allowed_blocks (assignment, blocks, NULL));
  assert_keeps (assignment, experiment);
  g_assert_true (cep_assignment_get_field_rule (assignment, "train.optimizer.type", &rule));
  g_assert_cmpstrv (rule.allowed, optimizers);

  experiment->train.optimizer.kind = CEP_EXPERIMENT_OPTIMIZER_ADAM;
  assert_breaks (assignment, experiment, "train.optimizer.type in {adamw, sgd}");
  experiment->train.optimizer.kind = CEP_EXPERIMENT_OPTIMIZER_SGD;
  g_free (experiment->train.backend);
  experiment->train.backend = g_strdup ("vulkan");
  assert_breaks (assignment, experiment, "train.backend in {ref, blas}");
  g_free (experiment->train.backend);
  experiment->train.backend = g_strdup ("ref");
  assert_keeps (assignment, experiment);
  cep_model_spec_add (experiment->model, cep_block_layer_norm ());
  assert_breaks (assignment, experiment,
                 "blocks in {linear, batch_norm, activation, dropout}");
  cep_assignment_check_experiment (assignment, experiment, &error);
  g_assert_nonnull (strstr (error->message, "is a layer_norm block"));
}

static void
test_seed (void)
{
  g_autoptr(CepAssignment) assignment = new_assignment ();
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  CepAssignmentFieldRule rule;
  guint64 seed = 0;

  g_assert_false (cep_assignment_get_seed (assignment, &seed));
  cep_assignment_set_seed (assignment, TRUE, 7);
  g_assert_true (cep_assignment_get_seed (assignment, &seed));
  g_assert_cmpuint (seed, ==, 7);
  /* The starting experiment takes the seed. */
  g_assert_cmpuint (cep_assignment_get_experiment (assignment)->seed, ==, 7);
  g_assert_true (cep_assignment_get_field_rule (assignment, "seed", &rule));
  g_assert_true (rule.locked);
  assert_breaks (assignment, experiment, "seed = 7");
  experiment->seed = 7;
  assert_keeps (assignment, experiment);
}

static CepAssignment *
full_assignment (void)
{
  CepAssignment *assignment = new_assignment ();
  const char *optimizers[] = { "adamw", "sgd", NULL };
  const char *blocks[] = { "linear", "batch_norm", "gelu", "dropout", NULL };

  cep_assignment_set_instructions (assignment, "Train **tiny** for at most 10 epochs.\n\n"
                                   "- keep AdamW or SGD\n- \"quotes\" & <tags>");
  cep_assignment_set_dataset (assignment, "demo", "0123456789abcdef");
  cep_assignment_set_metric (assignment, CEP_ASSIGNMENT_METRIC_DEV_LOSS);
  cep_assignment_set_seed (assignment, TRUE, 11);
  g_assert_true (cep_assignment_add_locked (assignment, "train.batch_size", NULL));
  g_assert_true (cep_assignment_add_hidden (assignment, "augment", NULL));
  g_assert_true (cep_assignment_set_max (assignment, "train.epochs", 10, NULL));
  g_assert_true (cep_assignment_set_max (assignment, "train.optimizer.lr", 0.05, NULL));
  g_assert_true (cep_assignment_set_max (assignment, "model.params", 2e6, NULL));
  g_assert_true (cep_assignment_set_allowed (assignment, "train.optimizer", optimizers, NULL));
  g_assert_true (cep_assignment_set_allowed_blocks (assignment, blocks, NULL));
  return assignment;
}

static void
test_save_load (void)
{
  g_autoptr(CepAssignment) assignment = full_assignment ();
  g_autofree char *dir = g_dir_make_tmp ("cep-assignment-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "lab" CEP_ASSIGNMENT_SUFFIX, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *again_text = NULL;
  g_autofree char *text = cep_assignment_to_json (assignment);
  g_autoptr(CepAssignment) again = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rules = NULL;
  g_auto(GStrv) rules_again = NULL;
  gsize length = 0;
  guint64 seed = 0;

  g_assert_true (cep_assignment_save (assignment, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cep_assignment_get_path (assignment), ==, path);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpstr (contents, ==, text);
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  g_assert_cmpstr (cep_assignment_get_hash (assignment), ==, hash);
  g_assert_cmpuint (strlen (hash), ==, 64);

  again = cep_assignment_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_assignment_get_hash (again), ==, hash);
  again_text = cep_assignment_to_json (again);
  g_assert_cmpstr (again_text, ==, text);
  g_assert_cmpstr (cep_assignment_get_title (again), ==, TITLE);
  g_assert_cmpstr (cep_assignment_get_instructions (again), ==,
                   cep_assignment_get_instructions (assignment));
  g_assert_cmpstr (cep_assignment_get_dataset_name (again), ==, "demo");
  g_assert_cmpstr (cep_assignment_get_dataset_fingerprint (again), ==, "0123456789abcdef");
  g_assert_cmpint (cep_assignment_get_metric (again), ==, CEP_ASSIGNMENT_METRIC_DEV_LOSS);
  g_assert_true (cep_assignment_get_seed (again, &seed));
  g_assert_cmpuint (seed, ==, 11);
  g_assert_true (cep_experiment_equal (cep_assignment_get_experiment (again),
                                       cep_assignment_get_experiment (assignment)));
  rules = cep_assignment_list_rules (assignment);
  rules_again = cep_assignment_list_rules (again);
  g_assert_cmpstrv (rules, rules_again);
  g_assert_cmpstr (rules[0], ==, "hidden augment");
  g_assert_cmpstr (rules[1], ==, "locked train.batch_size");
  g_assert_cmpstr (rules[2], ==, "seed = 11");
  g_assert_cmpstr (rules[3], ==, "train.epochs <= 10");
  g_assert_cmpstr (rules[4], ==, "train.optimizer.lr <= 0.05");
  g_assert_cmpstr (rules[5], ==, "model.params <= 2000000");
  g_assert_cmpstr (rules[6], ==, "train.optimizer.type in {adamw, sgd}");
  g_assert_cmpstr (rules[7], ==, "blocks in {linear, batch_norm, gelu, dropout}");
  g_assert_null (rules[8]);

  /* A change makes new bytes and a new hash. */
  cep_assignment_set_title (again, "Lab 4");
  g_assert_cmpstr (cep_assignment_get_hash (again), !=, hash);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_run_copy (void)
{
  g_autoptr(CepAssignment) assignment = full_assignment ();
  g_autofree char *dir = g_dir_make_tmp ("cep-assignment-run-XXXXXX", NULL);
  g_autofree char *copy = g_build_filename (dir, CEP_ASSIGNMENT_RUN_FILE, NULL);
  g_autoptr(CepAssignment) recorded = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (cep_assignment_load_from_run (dir, &error));
  g_assert_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, dir));
  g_clear_error (&error);

  g_assert_true (cep_assignment_record_in_run (assignment, dir, &error));
  g_assert_no_error (error);
  recorded = cep_assignment_load_from_run (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_assignment_get_hash (recorded), ==, cep_assignment_get_hash (assignment));
  g_unlink (copy);
  g_rmdir (dir);
}

static void
test_dataset_check (void)
{
  g_autoptr(CepAssignment) assignment = new_assignment ();
  g_autoptr(GError) error = NULL;

  g_assert_true (cep_assignment_check_dataset_fingerprint (assignment, "anything", NULL));
  cep_assignment_set_dataset (assignment, "hw1p2", "aaaabbbbccccdddd");
  g_assert_true (cep_assignment_check_dataset_fingerprint (assignment, "aaaabbbbccccdddd",
                                                           NULL));
  g_assert_false (cep_assignment_check_dataset_fingerprint (assignment, "eeeeffff00001111",
                                                            &error));
  g_assert_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_DATASET);
  g_assert_nonnull (strstr (error->message, "expects “hw1p2”"));
}

static void
test_metric_names (void)
{
  CepAssignmentMetric metric;

  g_assert_true (cep_assignment_metric_from_name ("dev_accuracy", &metric));
  g_assert_cmpint (metric, ==, CEP_ASSIGNMENT_METRIC_DEV_ACCURACY);
  g_assert_true (cep_assignment_metric_higher_is_better (metric));
  g_assert_true (cep_assignment_metric_from_name ("train_loss", &metric));
  g_assert_false (cep_assignment_metric_higher_is_better (metric));
  g_assert_false (cep_assignment_metric_from_name ("accuracy", &metric));
  g_assert_false (cep_assignment_metric_from_name (NULL, &metric));
}

/* Refused files: each names the file and the member. */
static void
test_refused_files (void)
{
  g_autoptr(CepAssignment) good = full_assignment ();
  g_autofree char *text = cep_assignment_to_json (good);
  const struct
  {
    const char *from;      /* replaced in the good text ... */
    const char *to;        /* ... by this; NULL: the whole text is @from */
    int         code;
    const char *message;
  } cases[] = {
    { "[1, 2]", NULL, CEP_ASSIGNMENT_ERROR_FORMAT, "f: not a Cepstra assignment" },
    { "{", NULL, CEP_ASSIGNMENT_ERROR_PARSE, "f: not valid JSON" },
    { "\"version\": 1", "\"version\": 2", CEP_ASSIGNMENT_ERROR_FORMAT,
      "f: assignment version 2 was made by a newer Cepstra" },
    { "\"cepstra-assignment\"", "\"cepstra-experiment\"", CEP_ASSIGNMENT_ERROR_FORMAT,
      "f: not a Cepstra assignment" },
    { "\"title\": \"Lab 3\"", "\"title\": \"  \"", CEP_ASSIGNMENT_ERROR_INVALID,
      "f: title: expected a non-empty string" },
    { "\"metric\": \"dev_loss\"", "\"metric\": \"wer\"", CEP_ASSIGNMENT_ERROR_INVALID,
      "f: metric: “wer” is not one of" },
    { "\"locked\": [", "\"frozen\": [], \"locked\": [", CEP_ASSIGNMENT_ERROR_INVALID,
      "f: rules: “frozen” is not a member this version knows" },
    { "\"train.batch_size\"", "\"train.batchsize\"", CEP_ASSIGNMENT_ERROR_INVALID,
      "f: rules: train.batchsize: experiment.json has no such setting" },
    { "{\"max\": 10}", "{\"max\": \"ten\"}", CEP_ASSIGNMENT_ERROR_INVALID,
      "f: rules.bounds.train.epochs.max: expected a number" },
    { "{\"max\": 10}", "{\"max\": 4}", CEP_ASSIGNMENT_ERROR_INVALID,
      "f: the starting experiment breaks its own rules: train.epochs is 5" },
    { "\"seed\": 11", "\"seed\": 12", CEP_ASSIGNMENT_ERROR_INVALID,
      "f: the starting experiment breaks its own rules: seed is 11" },
    { "\"seed\": 11,\n  \"rules\"", "\"seed\": 11, \"seed\": 11,\n  \"rules\"",
      CEP_ASSIGNMENT_ERROR_PARSE, "f: " },
    { "\"epochs\": 5", "\"epochs\": 5, \"epoch\": 5", CEP_ASSIGNMENT_ERROR_INVALID,
      "f: experiment: " },
    { "\"epochs\": 5", "\"epochs\": -5", CEP_ASSIGNMENT_ERROR_INVALID,
      "f: experiment: train.epochs" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *bad = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(CepAssignment) assignment = NULL;

      if (cases[i].to == NULL)
        bad = g_strdup (cases[i].from);
      else
        {
          g_assert_nonnull (strstr (text, cases[i].from));
          g_auto(GStrv) parts = g_strsplit (text, cases[i].from, 2);
          bad = g_strjoin (cases[i].to, parts[0], parts[1], NULL);
        }
      assignment = cep_assignment_new_from_data (bad, strlen (bad), "f", &error);
      g_assert_null (assignment);
      g_assert_error (error, CEP_ASSIGNMENT_ERROR, cases[i].code);
      if (!g_str_has_prefix (error->message, cases[i].message))
        g_error ("case %u: “%s” does not start with “%s”", i, error->message,
                 cases[i].message);
    }
}

static void
test_refused_paths (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-assignment-bad-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "none" CEP_ASSIGNMENT_SUFFIX, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (cep_assignment_load (missing, &error));
  g_assert_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_clear_error (&error);
  g_assert_null (cep_assignment_load (dir, &error));
  g_assert_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/experiment-paths/lookup-values-equality", test_paths);
  g_test_add_func ("/assignment/locked", test_locked);
  g_test_add_func ("/assignment/hidden-locks-too", test_hidden_locks_too);
  g_test_add_func ("/assignment/machine-local-settings-free", test_machine_local_settings_free);
  g_test_add_func ("/assignment/blocks-locked", test_blocks_locked);
  g_test_add_func ("/assignment/bounds", test_bounds);
  g_test_add_func ("/assignment/bad-rules-refused", test_bad_rules_refused);
  g_test_add_func ("/assignment/allowed", test_allowed);
  g_test_add_func ("/assignment/seed", test_seed);
  g_test_add_func ("/assignment/save-load", test_save_load);
  g_test_add_func ("/assignment/run-copy", test_run_copy);
  g_test_add_func ("/assignment/dataset-check", test_dataset_check);
  g_test_add_func ("/assignment/metric-names", test_metric_names);
  g_test_add_func ("/assignment/refused-files", test_refused_files);
  g_test_add_func ("/assignment/refused-paths", test_refused_paths);

  return g_test_run ();
}
