/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-schedule.c: learning-rate schedules against torch.optim.lr_scheduler. The expected
 * rates per epoch come from tests/fixtures/train/make-schedules.py (StepLR,
 * CosineAnnealingLR, ReduceLROnPlateau in min and max mode); warmup is checked against its
 * definition.
 */
#include "train-test-util.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cep-schedule.h"

static JsonObject *
load_cases (JsonParser *parser)
{
  g_autofree char *path = g_build_filename (CEP_FIXTURES_DIR, "schedules.json", NULL);
  g_autoptr (GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static double
member_or (JsonObject *object,
           const char *name,
           double      fallback)
{
  return json_object_has_member (object, name) ?
         json_object_get_double_member (object, name) : fallback;
}

static void
config_of (JsonObject            *c,
           CepExperimentSchedule *config)
{
  const char *kind = json_object_get_string_member (c, "kind");

  memset (config, 0, sizeof *config);
  config->kind = g_str_equal (kind, "step") ? CEP_EXPERIMENT_SCHEDULE_STEP
               : g_str_equal (kind, "cosine") ? CEP_EXPERIMENT_SCHEDULE_COSINE
               : CEP_EXPERIMENT_SCHEDULE_PLATEAU;
  config->step_size = (guint) member_or (c, "step_size", 1);
  config->gamma = member_or (c, "gamma", 0.1);
  config->t_max = (guint) member_or (c, "t_max", 0);
  config->eta_min = member_or (c, "eta_min", 0.0);
  config->factor = member_or (c, "factor", 0.1);
  config->patience = (guint) member_or (c, "patience", 10);
  config->threshold = member_or (c, "threshold", 1e-4);
  config->min_lr = member_or (c, "min_lr", 0.0);
  config->monitor = json_object_has_member (c, "monitor") &&
                    g_str_equal (json_object_get_string_member (c, "monitor"), "dev_accuracy")
                    ? CEP_EXPERIMENT_MONITOR_DEV_ACCURACY : CEP_EXPERIMENT_MONITOR_DEV_LOSS;
}

static void
test_torch (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = load_cases (parser);
  JsonArray *cases = json_object_get_array_member (root, "cases");
  double base_lr = json_object_get_double_member (root, "base_lr");
  guint epochs = (guint) json_object_get_int_member (root, "epochs");

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      JsonArray *rates = json_object_get_array_member (c, "rates");
      JsonArray *metrics = json_object_has_member (c, "metrics") ?
                           json_object_get_array_member (c, "metrics") : NULL;
      CepExperimentSchedule config;
      CepSchedule schedule;

      config_of (c, &config);
      cep_schedule_init (&schedule, &config, base_lr, epochs);
      for (guint epoch = 0; epoch < epochs; epoch++)
        {
          double want = json_array_get_double_element (rates, epoch);
          double got = cep_schedule_get_lr (&schedule, epoch, 1000 + epoch);
          double metric = metrics != NULL ? json_array_get_double_element (metrics, epoch) : 0;
          g_test_message ("case %u, epoch %u: %.12g (torch %.12g)", i, epoch, got, want);
          g_assert_cmpfloat_with_epsilon (got, want, 1e-12 + 1e-9 * want);
          cep_schedule_epoch_end (&schedule, metric, metric);
        }
    }
}

static void
test_warmup (void)
{
  CepExperimentSchedule config = { .kind = CEP_EXPERIMENT_SCHEDULE_STEP, .warmup_steps = 4,
                                   .step_size = 1, .gamma = 0.5 };
  CepSchedule schedule;

  cep_schedule_init (&schedule, &config, 0.2, 3);
  for (guint64 step = 0; step < 4; step++)
    g_assert_cmpfloat_with_epsilon (cep_schedule_get_lr (&schedule, 0, step),
                                    0.2 * (step + 1) / 4, 1e-15);
  g_assert_cmpfloat (cep_schedule_get_lr (&schedule, 0, 4), ==, 0.2);
  /* Warmup counts steps, whatever the epoch. */
  g_assert_cmpfloat_with_epsilon (cep_schedule_get_lr (&schedule, 1, 1), 0.1 * 2 / 4, 1e-15);
  g_assert_cmpfloat (cep_schedule_get_lr (&schedule, 2, 100), ==, 0.05);
}

static void
test_constant (void)
{
  CepExperimentSchedule config = { .kind = CEP_EXPERIMENT_SCHEDULE_CONSTANT };
  CepSchedule schedule;

  cep_schedule_init (&schedule, &config, 1e-3, 5);
  for (guint epoch = 0; epoch < 5; epoch++)
    {
      g_assert_cmpfloat (cep_schedule_get_lr (&schedule, epoch, epoch * 10), ==, 1e-3);
      cep_schedule_epoch_end (&schedule, 1.0 / (epoch + 1), 0.5);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/train/schedule/torch", test_torch);
  g_test_add_func ("/train/schedule/warmup", test_warmup);
  g_test_add_func ("/train/schedule/constant", test_constant);
  return g_test_run ();
}
