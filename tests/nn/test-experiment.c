/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-experiment.c: experiments and experiment.json.
 *
 * Good files: the committed default (a golden of the written format), a hand-written one, and
 * round trips of experiments with every kind and enum set. Bad files: a table of JSON texts,
 * each with the exact message it must produce.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cep-experiment.h"
#include "cep-model-presets.h"

static char *
fixture_path (const char *name)
{
  return g_build_filename (CEP_FIXTURES_DIR, name, NULL);
}

static void
test_defaults (void)
{
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autoptr(GError) error = NULL;
  const CepExperimentOptimizer *optimizer = &experiment->train.optimizer;

  g_assert_true (cep_experiment_validate (experiment, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (experiment->model->name, ==, "tiny");
  g_assert_cmpuint (cep_model_spec_count_params (experiment->model), ==, 1423914);
  g_assert_cmpuint (experiment->train.epochs, ==, 5);
  g_assert_cmpuint (experiment->train.batch_size, ==, 1024);
  g_assert_cmpint (optimizer->kind, ==, CEP_EXPERIMENT_OPTIMIZER_ADAMW);
  g_assert_cmpfloat (optimizer->lr, ==, 1e-3);
  g_assert_cmpfloat (optimizer->beta2, ==, 0.999);
  g_assert_cmpint (experiment->train.schedule.kind, ==, CEP_EXPERIMENT_SCHEDULE_CONSTANT);
  g_assert_cmpstr (experiment->train.backend, ==, "blas");
  g_assert_null (experiment->train.device);
  g_assert_null (experiment->data.root);
  g_assert_true (experiment->data.normalize);
  g_assert_false (experiment->augment.enabled);
  g_assert_cmpstr (cep_experiment_optimizer_get_name (CEP_EXPERIMENT_OPTIMIZER_SGD), ==, "sgd");
  g_assert_cmpstr (cep_experiment_schedule_get_name (CEP_EXPERIMENT_SCHEDULE_PLATEAU), ==,
                   "plateau");
}

/* The written format is a contract (people read and write these files): a golden. */
static void
test_default_golden (void)
{
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autofree char *path = fixture_path ("experiment-default.json");
  g_autofree char *golden = NULL;
  g_autofree char *text = cep_experiment_to_json (experiment);

  g_assert_true (g_file_get_contents (path, &golden, NULL, NULL));
  g_assert_cmpstr (text, ==, golden);
}

static CepExperiment *
load_text (const char   *text,
           char       ***warnings,
           GError      **error)
{
  return cep_experiment_new_from_json (text, -1, "exp.json", warnings, error);
}

static void
test_minimal_file_gives_defaults (void)
{
  g_autoptr(CepExperiment) defaults = cep_experiment_new ();
  g_autoptr(CepExperiment) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;

  loaded = load_text ("{\"format\": \"cepstra-experiment\", \"model\": {}, \"train\": {}}",
                      &warnings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);
  g_assert_true (cep_experiment_equal (loaded, defaults));

  g_clear_pointer (&loaded, cep_experiment_free);
  loaded = load_text ("{\"format\": \"cepstra-experiment\", \"model\": {}, "
                      "\"train\": {\"epochs\": 3}}", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cep_experiment_equal (loaded, defaults));
  defaults->train.epochs = 3;
  g_assert_true (cep_experiment_equal (loaded, defaults));
}

static void
test_hand_written_file (void)
{
  g_autofree char *path = fixture_path ("experiment-hand-written.json");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autoptr(CepExperiment) experiment = cep_experiment_load (path, &warnings, &error);
  g_autofree char *expected_warning = g_strdup_printf ("%s: train.learning_rate: unknown key, "
                                                       "ignored", path);

  g_assert_no_error (error);
  g_assert_cmpstr (experiment->name, ==, "full, cosine, masks");
  g_assert_cmpstr (experiment->data.root, ==, "/data/hw1p2");
  g_assert_cmpfloat (experiment->data.subset_fraction, ==, 0.25);
  g_assert_cmpstr (experiment->model->name, ==, "full");
  g_assert_cmpuint (cep_model_spec_count_params (experiment->model), ==, 18864424);
  g_assert_cmpfloat (experiment->model->label_smoothing, ==, 0.1);
  g_assert_cmpuint (experiment->train.epochs, ==, 20);
  g_assert_cmpfloat (experiment->train.optimizer.lr, ==, 2e-3);
  g_assert_cmpint (experiment->train.optimizer.kind, ==, CEP_EXPERIMENT_OPTIMIZER_ADAMW);
  g_assert_cmpint (experiment->train.schedule.kind, ==, CEP_EXPERIMENT_SCHEDULE_COSINE);
  g_assert_cmpuint (experiment->train.schedule.warmup_steps, ==, 500);
  g_assert_true (experiment->augment.enabled);
  g_assert_true (experiment->augment.per_batch);
  g_assert_cmpuint (experiment->augment.time_width_max, ==, 8);
  g_assert_cmpuint (experiment->seed, ==, 11785);
  g_assert_cmpuint (g_strv_length (warnings), ==, 1);
  g_assert_cmpstr (warnings[0], ==, expected_warning);
}

static void
test_bad_file_names_the_file (void)
{
  g_autofree char *path = fixture_path ("experiment-bad-lr.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CepExperiment) experiment = cep_experiment_load (path, NULL, &error);
  g_autofree char *expected = g_strdup_printf ("%s: train.optimizer.lr: expected a positive "
                                               "number", path);

  g_assert_null (experiment);
  g_assert_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepExperiment) experiment = cep_experiment_load ("/nonexistent/exp.json", NULL,
                                                             &error);

  g_assert_null (experiment);
  g_assert_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/exp.json"));
}

/* An experiment with nothing at its default. */
static CepExperiment *
make_unusual (guint variant)
{
  CepExperiment *experiment = cep_experiment_new ();
  CepModelSpec *model = cep_model_spec_new (7, 13, 40);
  CepBlock linear = cep_block_linear (24);
  CepBlock leaky = cep_block_activation (CEP_ACTIVATION_LEAKY_RELU);
  CepBlock batch_norm = cep_block_batch_norm ();
  CepBlock head_normal = cep_block_linear (40);

  experiment->name = g_strdup ("quotes \" and \\ and \n and ünïcödé");
  experiment->data.root = g_strdup ("/tmp/ds");
  experiment->data.train_partition = g_strdup ("train-other");
  experiment->data.dev_partition = g_strdup ("dev-other");
  experiment->data.phonemes = g_strdup ("phonemes.txt");
  experiment->data.normalize = FALSE;
  experiment->data.subset_fraction = 1.0 / 3.0;
  experiment->data.subset_every = 7;

  linear.init = (CepInit) (variant % CEP_INIT_COUNT);
  linear.init_std = 0.0123;
  linear.bias = FALSE;
  leaky.slope = -0.3;
  batch_norm.eps = 1e-3;
  batch_norm.momentum = 0.01;
  head_normal.init = CEP_INIT_NORMAL;
  head_normal.init_std = 1e-300;
  head_normal.bias = FALSE;
  cep_model_spec_add (model, cep_block_dropout (0.05));
  cep_model_spec_add (model, linear);
  cep_model_spec_add (model, batch_norm);
  cep_model_spec_add (model, leaky);
  cep_model_spec_add (model, cep_block_linear (8));
  cep_model_spec_add (model,
                      cep_block_activation ((CepActivation) (variant % CEP_ACTIVATION_COUNT)));
  cep_model_spec_add (model, cep_block_dropout (0.999));
  model->head = head_normal;
  model->label_smoothing = 0.1;
  model->param_limit = 12345;
  cep_model_spec_set_name (model, NULL);
  cep_experiment_set_model (experiment, model);

  experiment->train.epochs = 123;
  experiment->train.batch_size = 7;
  experiment->train.optimizer.kind = (CepExperimentOptimizerKind) (variant % 3);
  experiment->train.optimizer.lr = 0.1 + 0.2;
  experiment->train.optimizer.beta1 = 0.5;
  experiment->train.optimizer.beta2 = 0.0;
  experiment->train.optimizer.eps = 1e-12;
  experiment->train.optimizer.weight_decay = 5e-4;
  experiment->train.optimizer.momentum = 0.9;
  experiment->train.optimizer.dampening = 0.0;
  experiment->train.optimizer.nesterov = TRUE;
  experiment->train.schedule.kind = (CepExperimentScheduleKind) (variant % 4);
  experiment->train.schedule.warmup_steps = 1000;
  experiment->train.schedule.step_size = 3;
  experiment->train.schedule.gamma = 0.5;
  experiment->train.schedule.t_max = 50;
  experiment->train.schedule.eta_min = 1e-6;
  experiment->train.schedule.monitor = CEP_EXPERIMENT_MONITOR_DEV_ACCURACY;
  experiment->train.schedule.factor = 0.2;
  experiment->train.schedule.patience = 2;
  experiment->train.schedule.threshold = 0.0;
  experiment->train.schedule.min_lr = 1e-7;
  experiment->train.grad_clip_norm = 5.0;
  g_free (experiment->train.backend);
  experiment->train.backend = g_strdup ("ref");
  experiment->train.device = g_strdup ("llvmpipe (LLVM 15.0.6, 256 bits)");
  experiment->train.threads = 2;

  experiment->augment.enabled = TRUE;
  experiment->augment.freq_masks_max = 1;
  experiment->augment.freq_width_min = 1;
  experiment->augment.freq_width_max = 2;
  experiment->augment.time_masks_max = 0;
  experiment->augment.probability = 0.5;
  experiment->augment.per_batch = TRUE;
  experiment->seed = G_MAXINT64;
  return experiment;
}

static void
test_round_trip (void)
{
  for (guint variant = 0; variant < 20; variant++)
    {
      g_autoptr(CepExperiment) experiment = make_unusual (variant);
      g_autoptr(CepExperiment) loaded = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *again = NULL;
      g_auto(GStrv) warnings = NULL;

      g_assert_true (cep_experiment_validate (experiment, &error));
      g_assert_no_error (error);
      text = cep_experiment_to_json (experiment);
      loaded = load_text (text, &warnings, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (warnings), ==, 0);
      g_assert_true (cep_experiment_equal (loaded, experiment));
      again = cep_experiment_to_json (loaded);
      g_assert_cmpstr (again, ==, text);
    }
}

static void
test_equal_notices_every_section (void)
{
  g_autoptr(CepExperiment) a = make_unusual (1);
  g_autoptr(CepExperiment) b = cep_experiment_copy (a);

  g_assert_true (cep_experiment_equal (a, b));
  b->train.schedule.patience++;
  g_assert_false (cep_experiment_equal (a, b));
  b->train.schedule.patience--;
  b->augment.per_batch = FALSE;
  g_assert_false (cep_experiment_equal (a, b));
  b->augment.per_batch = TRUE;
  g_free (b->data.phonemes);
  b->data.phonemes = NULL;
  g_assert_false (cep_experiment_equal (a, b));
  g_assert_cmpstr (a->data.phonemes, ==, "phonemes.txt");
  b->data.phonemes = g_strdup ("phonemes.txt");
  g_assert_true (cep_experiment_equal (a, b));
  g_array_index (b->model->blocks, CepBlock, 0).p = 0.5;
  g_assert_false (cep_experiment_equal (a, b));
}

typedef struct
{
  char *dir;
} TempDir;

static void
temp_dir_set_up (TempDir       *fixture,
                 gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("cepstra-experiment-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
}

static void
temp_dir_tear_down (TempDir       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static void
test_save_and_load (TempDir       *fixture,
                    gconstpointer  data)
{
  g_autoptr(CepExperiment) experiment = make_unusual (5);
  g_autoptr(CepExperiment) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "experiment.json", NULL);

  g_assert_true (cep_experiment_save (experiment, path, &error));
  g_assert_no_error (error);
  loaded = cep_experiment_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cep_experiment_equal (loaded, experiment));
}

static void
test_save_refuses_invalid (TempDir       *fixture,
                           gconstpointer  data)
{
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "experiment.json", NULL);
  g_autofree char *expected = g_strdup_printf ("%s: train.batch_size: expected a whole number "
                                               "in [1, 4294967295]", path);

  experiment->train.batch_size = 0;
  g_assert_false (cep_experiment_save (experiment, path, &error));
  g_assert_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_save_into_missing_folder (void)
{
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (cep_experiment_save (experiment, "/nonexistent/dir/experiment.json", &error));
  g_assert_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/experiment.json"));
}

static void
test_unknown_keys_warn (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autoptr(CepExperiment) experiment = NULL;
  const char *expected[] = {
    "exp.json: comment: unknown key, ignored",
    "exp.json: data.rooot: unknown key, ignored",
    "exp.json: model.blocks[0].widht: unknown key, ignored",
    "exp.json: model.blocks[1].slope: unknown key, ignored",
    "exp.json: train.optimzer: unknown key, ignored",
  };

  experiment = load_text ("{\"format\": \"cepstra-experiment\", \"comment\": \"hi\", "
                          "\"data\": {\"rooot\": \"/x\"}, "
                          "\"model\": {\"blocks\": [{\"type\": \"linear\", \"width\": 8, "
                          "\"widht\": 9}, {\"type\": \"relu\", \"slope\": 0.1}], "
                          "\"head\": {\"std\": 0.5}}, "
                          "\"train\": {\"optimzer\": {}}}", &warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (experiment);
  g_assert_cmpuint (g_strv_length (warnings), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (warnings[i], ==, expected[i]);
  /* "std" is a head key (used with normal init), so it is read, not warned about. */
  g_assert_cmpfloat (experiment->model->head.init_std, ==, 0.5);
  g_assert_null (experiment->model->name);
  g_assert_cmpuint (cep_model_spec_get_n_blocks (experiment->model), ==, 2);
}

static void
test_presets_in_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepExperiment) full = NULL, baseline = NULL;
  g_autoptr(CepModelSpec) expected = cep_model_preset_new ("full", 13, 40, NULL);

  full = load_text ("{\"format\": \"cepstra-experiment\", \"model\": {\"preset\": \"full\", "
                    "\"feature_dim\": 13, \"classes\": 40}, \"train\": {}}", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cep_model_spec_equal (full->model, expected));

  baseline = load_text ("{\"format\": \"cepstra-experiment\", \"model\": {\"preset\": "
                        "\"baseline\", \"context\": 25, \"name\": \"mine\"}, \"train\": {}}", NULL,
                        &error);
  g_assert_no_error (error);
  g_assert_cmpuint (baseline->model->context, ==, 25);
  g_assert_cmpuint (cep_model_spec_get_n_blocks (baseline->model), ==, 0);
  g_assert_cmpstr (baseline->model->name, ==, "mine");
}

/* Sides of their own override K for their side and are written back; a symmetric window
 * is "context" alone, as in files made before the sides existed. */
static void
test_asymmetric_context (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepExperiment) streaming = NULL, again = NULL, symmetric = NULL;
  g_autofree char *text = NULL, *symmetric_text = NULL;

  streaming = load_text ("{\"format\": \"cepstra-experiment\", \"model\": {\"context\": 12, "
                         "\"context_future\": 3}, \"train\": {}}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_model_spec_get_context_past (streaming->model), ==, 12);
  g_assert_cmpuint (cep_model_spec_get_context_future (streaming->model), ==, 3);
  g_assert_cmpuint (cep_model_spec_get_window_frames (streaming->model), ==, 16);
  g_assert_cmpuint (cep_model_spec_get_input_dim (streaming->model), ==,
                    16 * streaming->model->feature_dim);
  text = cep_experiment_to_json (streaming);
  g_assert_nonnull (strstr (text, "\"context_past\": 12"));
  g_assert_nonnull (strstr (text, "\"context_future\": 3"));
  again = cep_experiment_new_from_json (text, -1, "again.json", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cep_experiment_equal (streaming, again));

  symmetric = load_text ("{\"format\": \"cepstra-experiment\", \"model\": {\"context_past\": 7, "
                         "\"context_future\": 7}, \"train\": {}}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (symmetric->model->context, ==, 7);
  symmetric_text = cep_experiment_to_json (symmetric);
  g_assert_null (strstr (symmetric_text, "context_past"));
  g_assert_null (strstr (symmetric_text, "context_future"));
}

/* A residual is a flat block naming how many blocks after it are its body: read, written
 * back as it was, and equal after the round trip. */
static void
test_residual_block (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepExperiment) experiment = NULL, again = NULL;
  g_autofree char *text = NULL;
  const CepBlock *residual;

  experiment = load_text ("{\"format\": \"cepstra-experiment\", \"model\": {\"blocks\": ["
                          "{\"type\": \"linear\", \"width\": 16}, "
                          "{\"type\": \"residual\", \"blocks\": 2}, "
                          "{\"type\": \"linear\", \"width\": 16}, {\"type\": \"gelu\"}]}, "
                          "\"train\": {}}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_model_spec_get_n_blocks (experiment->model), ==, 4);
  residual = cep_model_spec_get_block (experiment->model, 1);
  g_assert_cmpint (residual->kind, ==, CEP_BLOCK_RESIDUAL);
  g_assert_cmpuint (residual->body_blocks, ==, 2);
  text = cep_experiment_to_json (experiment);
  g_assert_nonnull (strstr (text, "{\"type\": \"residual\", \"blocks\": 2},\n"));
  again = cep_experiment_new_from_json (text, -1, "again.json", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cep_experiment_equal (experiment, again));
}

typedef struct
{
  const char *what;
  const char *json;
  int         code;
  const char *message;   /* exact, after "exp.json: "; NULL: only the code is checked */
} BadCase;

#define EXP "{\"format\": \"cepstra-experiment\", "
static const BadCase bad_cases[] = {
  { "no-model", EXP "\"train\": {}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model: missing (write \"model\": {} for the defaults)" },
  { "no-train", EXP "\"model\": {}}", CEP_EXPERIMENT_ERROR_INVALID,
    "train: missing (write \"train\": {} for the defaults)" },
  { "misspelt-model", EXP "\"modle\": {}, \"train\": {}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model: missing (write \"model\": {} for the defaults)" },
  { "model-twice", EXP "\"model\": {}, \"model\": {}, \"train\": {}}",
    CEP_EXPERIMENT_ERROR_PARSE, "the member “model” appears twice in one object" },
  { "not-json", "{\"format\": ", CEP_EXPERIMENT_ERROR_PARSE, NULL },
  { "not-object", "[1, 2]", CEP_EXPERIMENT_ERROR_FORMAT,
    "not a Cepstra experiment (not a JSON object)" },
  { "no-format", "{\"version\": 1}", CEP_EXPERIMENT_ERROR_FORMAT,
    "format: not a Cepstra experiment (expected \"format\": \"cepstra-experiment\")" },
  { "other-format", "{\"format\": \"pt\"}", CEP_EXPERIMENT_ERROR_FORMAT,
    "format: not a Cepstra experiment (expected \"format\": \"cepstra-experiment\")" },
  { "newer-version", EXP "\"model\": {}, \"train\": {}, \"version\": 2}", CEP_EXPERIMENT_ERROR_FORMAT,
    "version: 2 is newer than this Cepstra reads (1)" },
  { "version-zero", EXP "\"model\": {}, \"train\": {}, \"version\": 0}", CEP_EXPERIMENT_ERROR_INVALID,
    "version: expected a whole number >= 1" },
  { "lr-negative", EXP "\"model\": {}, \"train\": {\"optimizer\": {\"lr\": -1}}}", CEP_EXPERIMENT_ERROR_INVALID,
    "train.optimizer.lr: expected a positive number" },
  { "lr-zero", EXP "\"model\": {}, \"train\": {\"optimizer\": {\"lr\": 0}}}", CEP_EXPERIMENT_ERROR_INVALID,
    "train.optimizer.lr: expected a positive number" },
  { "lr-string", EXP "\"model\": {}, \"train\": {\"optimizer\": {\"lr\": \"fast\"}}}",
    CEP_EXPERIMENT_ERROR_INVALID, "train.optimizer.lr: expected a positive number" },
  { "lr-infinite", EXP "\"model\": {}, \"train\": {\"optimizer\": {\"lr\": 1e999}}}",
    CEP_EXPERIMENT_ERROR_INVALID, "train.optimizer.lr: expected a positive number" },
  { "batch-zero", EXP "\"model\": {}, \"train\": {\"batch_size\": 0}}", CEP_EXPERIMENT_ERROR_INVALID,
    "train.batch_size: expected a whole number in [1, 4294967295]" },
  { "epochs-fraction", EXP "\"model\": {}, \"train\": {\"epochs\": 2.5}}", CEP_EXPERIMENT_ERROR_INVALID,
    "train.epochs: expected a whole number in [1, 4294967295]" },
  { "threads-huge", EXP "\"model\": {}, \"train\": {\"threads\": 4294967296}}", CEP_EXPERIMENT_ERROR_INVALID,
    "train.threads: expected a whole number in [0, 256] (0: one per core)" },
  { "threads-thousand", EXP "\"model\": {}, \"train\": {\"threads\": 1000}}", CEP_EXPERIMENT_ERROR_INVALID,
    "train.threads: expected a whole number in [0, 256] (0: one per core)" },
  { "optimizer-unknown", EXP "\"model\": {}, \"train\": {\"optimizer\": {\"type\": \"lion\"}}}",
    CEP_EXPERIMENT_ERROR_INVALID, "train.optimizer.type: expected one of adamw, adam, sgd" },
  { "betas-short", EXP "\"model\": {}, \"train\": {\"optimizer\": {\"betas\": [0.9]}}}",
    CEP_EXPERIMENT_ERROR_INVALID,
    "train.optimizer.betas: expected two numbers, each a number in [0, 1)" },
  { "betas-one", EXP "\"model\": {}, \"train\": {\"optimizer\": {\"betas\": [0.9, 1]}}}",
    CEP_EXPERIMENT_ERROR_INVALID,
    "train.optimizer.betas: expected two numbers, each a number in [0, 1)" },
  { "nesterov", EXP "\"model\": {}, \"train\": {\"optimizer\": {\"type\": \"sgd\", \"nesterov\": true}}}",
    CEP_EXPERIMENT_ERROR_INVALID,
    "train.optimizer.nesterov: needs momentum > 0 and dampening 0" },
  { "schedule-unknown", EXP "\"model\": {}, \"train\": {\"schedule\": {\"type\": \"linear\"}}}",
    CEP_EXPERIMENT_ERROR_INVALID,
    "train.schedule.type: expected one of constant, step, cosine, plateau" },
  { "factor-one", EXP "\"model\": {}, \"train\": {\"schedule\": {\"factor\": 1}}}",
    CEP_EXPERIMENT_ERROR_INVALID, "train.schedule.factor: expected a number in (0, 1)" },
  { "monitor", EXP "\"model\": {}, \"train\": {\"schedule\": {\"monitor\": \"train_loss\"}}}",
    CEP_EXPERIMENT_ERROR_INVALID,
    "train.schedule.monitor: expected one of dev_loss, dev_accuracy" },
  { "backend-null", EXP "\"model\": {}, \"train\": {\"backend\": null}}", CEP_EXPERIMENT_ERROR_INVALID,
    "train.backend: expected a non-empty string" },
  { "backend-empty", EXP "\"model\": {}, \"train\": {\"backend\": \"\"}}", CEP_EXPERIMENT_ERROR_INVALID,
    "train.backend: expected a non-empty string" },
  { "device-number", EXP "\"model\": {}, \"train\": {\"device\": 1}}", CEP_EXPERIMENT_ERROR_INVALID,
    "train.device: expected a string or null" },
  { "train-not-object", EXP "\"model\": {}, \"train\": 5}", CEP_EXPERIMENT_ERROR_INVALID,
    "train: expected an object" },
  { "subset-zero", EXP "\"model\": {}, \"train\": {}, \"data\": {\"subset_fraction\": 0}}", CEP_EXPERIMENT_ERROR_INVALID,
    "data.subset_fraction: expected a number in (0, 1]" },
  { "every-zero", EXP "\"model\": {}, \"train\": {}, \"data\": {\"subset_every\": 0}}", CEP_EXPERIMENT_ERROR_INVALID,
    "data.subset_every: expected a whole number in [1, 4294967295]" },
  { "root-number", EXP "\"model\": {}, \"train\": {}, \"data\": {\"root\": 5}}", CEP_EXPERIMENT_ERROR_INVALID,
    "data.root: expected a string or null" },
  { "normalize-string", EXP "\"model\": {}, \"train\": {}, \"data\": {\"normalize\": \"yes\"}}", CEP_EXPERIMENT_ERROR_INVALID,
    "data.normalize: expected true or false" },
  { "seed-negative", EXP "\"model\": {}, \"train\": {}, \"seed\": -1}", CEP_EXPERIMENT_ERROR_INVALID,
    "seed: expected a whole number in [0, 9223372036854775807]" },
  { "name-number", EXP "\"model\": {}, \"train\": {}, \"name\": 1}", CEP_EXPERIMENT_ERROR_INVALID,
    "name: expected a string or null" },
  { "probability", EXP "\"model\": {}, \"train\": {}, \"augment\": {\"probability\": 1.5}}", CEP_EXPERIMENT_ERROR_INVALID,
    "augment.probability: expected a number in [0, 1]" },
  { "augment-widths", EXP "\"model\": {}, \"train\": {}, \"augment\": {\"freq_width_min\": 5}}", CEP_EXPERIMENT_ERROR_INVALID,
    "augment: frequency mask width: minimum 5 is above maximum 4" },
  { "dropout-one", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"type\": \"linear\", \"width\": 8}, "
    "{\"type\": \"dropout\", \"p\": 1}]}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.blocks[1].p: expected a number in [0, 1)" },
  { "layer-norm-eps", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"type\": \"flatten\"}, "
    "{\"type\": \"layer_norm\", \"eps\": 0}]}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.blocks[1].eps: expected a positive number" },
  { "bn-first", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"type\": \"batch_norm\"}]}}",
    CEP_EXPERIMENT_ERROR_INVALID, "model.blocks[0]: batch_norm before any linear layer" },
  { "block-unknown", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"type\": \"conv\"}]}}",
    CEP_EXPERIMENT_ERROR_INVALID, "model.blocks[0].type: expected one of linear, batch_norm, "
    "identity, relu, leaky_relu, gelu, silu, mish, sigmoid, tanh, dropout, flatten, "
    "layer_norm, conv1d, max_pool1d, avg_pool1d, residual" },
  { "block-no-type", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"width\": 8}]}}",
    CEP_EXPERIMENT_ERROR_INVALID, NULL },
  { "block-not-object", EXP "\"train\": {}, \"model\": {\"blocks\": [8]}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.blocks[0]: expected an object" },
  { "linear-no-width", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"type\": \"linear\"}]}}",
    CEP_EXPERIMENT_ERROR_INVALID, "model.blocks[0]: linear width 0 is not in [1, 65536]" },
  { "width-zero", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"type\": \"linear\", \"width\": 0}]}}",
    CEP_EXPERIMENT_ERROR_INVALID,
    "model.blocks[0].width: expected a whole number in [1, 4294967295]" },
  { "init-unknown", EXP "\"train\": {}, \"model\": {\"head\": {\"init\": \"xavier\"}}}",
    CEP_EXPERIMENT_ERROR_INVALID, "model.head.init: expected one of glorot_uniform, "
    "kaiming_uniform, kaiming_normal, normal, torch_default" },
  { "blocks-not-array", EXP "\"train\": {}, \"model\": {\"blocks\": {}}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.blocks: expected an array of blocks" },
  { "preset-unknown", EXP "\"train\": {}, \"model\": {\"preset\": \"huge\"}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.preset: expected one of tiny, full, baseline, tdnn, tdnn-full" },
  { "classes", EXP "\"train\": {}, \"model\": {\"classes\": 300}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.head: 300 classes is not in [2, 255]" },
  { "smoothing", EXP "\"train\": {}, \"model\": {\"label_smoothing\": 1}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.label_smoothing: expected a number in [0, 1)" },
  { "context", EXP "\"train\": {}, \"model\": {\"context\": 500}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.context: 500 is above 128" },
  /* A side is checked as it is read, so no value of a file means "same as K". */
  { "context-future", EXP "\"train\": {}, \"model\": {\"context_future\": 129}}",
    CEP_EXPERIMENT_ERROR_INVALID, "model.context_future: expected a whole number in [0, 128]" },
  { "context-past", EXP "\"train\": {}, \"model\": {\"context_past\": 200, "
    "\"context_future\": 0}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.context_past: expected a whole number in [0, 128]" },
  { "context-past-unset-value", EXP "\"train\": {}, \"model\": {\"context\": 3, "
    "\"context_past\": 4294967295, \"context_future\": 2}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.context_past: expected a whole number in [0, 128]" },
  { "context-future-unset-value", EXP "\"train\": {}, \"model\": {\"context\": 3, "
    "\"context_future\": 4294967295}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.context_future: expected a whole number in [0, 128]" },
  { "residual-past-end", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"type\": \"linear\", "
    "\"width\": 8}, {\"type\": \"residual\", \"blocks\": 3}, {\"type\": \"linear\", "
    "\"width\": 8}]}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.blocks[1]: residual blocks 3 runs past the end of the block list (1 block comes "
    "after it)" },
  { "residual-empty", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"type\": \"residual\", "
    "\"blocks\": 0}]}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.blocks[0].blocks: expected a whole number in [1, 4294967295]" },
  { "residual-unequal-widths", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"type\": "
    "\"linear\", \"width\": 8}, {\"type\": \"residual\", \"blocks\": 1}, {\"type\": \"linear\", "
    "\"width\": 6}]}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.blocks[1]: residual blocks 1 turn its input of a flat vector of 8 into a flat "
    "vector of 6: x + body(x) needs the same shape out as in" },
  { "residual-nested", EXP "\"train\": {}, \"model\": {\"blocks\": [{\"type\": \"linear\", "
    "\"width\": 8}, {\"type\": \"residual\", \"blocks\": 2}, {\"type\": \"residual\", "
    "\"blocks\": 1}, {\"type\": \"linear\", \"width\": 8}]}}", CEP_EXPERIMENT_ERROR_INVALID,
    "model.blocks[2]: a residual inside the body of blocks[1] (a residual): bodies do not "
    "nest" },
  { "context-future-negative", EXP "\"train\": {}, \"model\": {\"context_future\": -1}}",
    CEP_EXPERIMENT_ERROR_INVALID, NULL },
};
#undef EXP

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CepExperiment) experiment = load_text (c->json, NULL, &error);
  g_autofree char *expected = NULL;

  g_assert_null (experiment);
  g_assert_error (error, CEP_EXPERIMENT_ERROR, c->code);
  g_assert_true (g_str_has_prefix (error->message, "exp.json: "));
  if (c->message == NULL)
    return;
  expected = g_strconcat ("exp.json: ", c->message, NULL);
  g_assert_cmpstr (error->message, ==, expected);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/experiment/defaults", test_defaults);
  g_test_add_func ("/experiment/default-golden", test_default_golden);
  g_test_add_func ("/experiment/minimal-file", test_minimal_file_gives_defaults);
  g_test_add_func ("/experiment/hand-written-file", test_hand_written_file);
  g_test_add_func ("/experiment/bad-file-names-the-file", test_bad_file_names_the_file);
  g_test_add_func ("/experiment/missing-file", test_missing_file);
  g_test_add_func ("/experiment/round-trip", test_round_trip);
  g_test_add_func ("/experiment/equal", test_equal_notices_every_section);
  g_test_add ("/experiment/save-and-load", TempDir, NULL, temp_dir_set_up, test_save_and_load,
              temp_dir_tear_down);
  g_test_add ("/experiment/save-refuses-invalid", TempDir, NULL, temp_dir_set_up,
              test_save_refuses_invalid, temp_dir_tear_down);
  g_test_add_func ("/experiment/save-into-missing-folder", test_save_into_missing_folder);
  g_test_add_func ("/experiment/unknown-keys-warn", test_unknown_keys_warn);
  g_test_add_func ("/experiment/presets-in-files", test_presets_in_files);
  g_test_add_func ("/experiment/asymmetric-context", test_asymmetric_context);
  g_test_add_func ("/experiment/residual-block", test_residual_block);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/experiment/bad/%s", bad_cases[i].what);
      g_test_add_data_func (name, &bad_cases[i], test_bad);
    }

  return g_test_run ();
}
