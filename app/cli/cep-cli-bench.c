/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-bench.c: `cepstra-cli bench`, the seed notebook's matrix product on every backend
 * (and OpenBLAS's own sgemm), and training and inference throughput of tiny and full per
 * backend, with GEMM-equivalent GFLOP/s next to what bare sgemm reaches on the same shapes.
 * The measurements are core/analysis's (cep-benchmark.h); this only chooses and prints them.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-backend.h"
#include "cep-benchmark.h"
#include "cep-model-presets.h"

#include <glib/gi18n.h>

#include <stdio.h>

typedef struct
{
  gboolean  json;
  gboolean  quick;
  gboolean  all;
  int       threads;
  int       batch;
  char     *backend;
  char     *model;
} BenchFlags;

typedef struct
{
  const char *model;
  const char *backend;
  gboolean    skipped;
  CepTiming   train;
  CepTiming   inference;
  CepTiming   sgemm;
  double      train_flops;     /* per sample */
  double      forward_flops;
} ModelResult;

/* Timed repetitions: the plain C oracle gets few, it is two orders of magnitude slower. */
static guint
runs_for (const BenchFlags *flags,
          const char       *backend,
          guint             normal)
{
  guint runs = flags->quick ? MAX (normal / 4, 3) : normal;

  return g_str_equal (backend, "ref") ? MIN (runs, 3) : runs;
}

static CepBackend *
open_backend (const char        *name,
              const BenchFlags  *flags,
              GError           **error)
{
  CepBackendOptions options = { .threads = (guint) flags->threads };

  return cep_backend_new (name, &options, error);
}

/* The seed product */

static gboolean
bench_seed (const BenchFlags  *flags,
            const char        *backend_name,
            CepTiming         *timing,
            GError           **error)
{
  g_autoptr(CepBackend) backend = NULL;

  if (backend_name == NULL)
    return cep_benchmark_seed_product (NULL, (guint) flags->threads,
                                       runs_for (flags, "openblas", 40), timing, error);
  if ((backend = open_backend (backend_name, flags, error)) == NULL)
    return FALSE;
  return cep_benchmark_seed_product (backend, 0, runs_for (flags, backend_name, 40), timing,
                                     error);
}

static void
print_seed_row (const char      *name,
                const CepTiming *timing)
{
  printf (_("  %-22s %9.3f ms %9.1f GFLOP/s   (fastest %.3f ms)\n"), name, 1e3 * timing->median,
          cep_benchmark_seed_flops () / timing->median / 1e9, 1e3 * timing->fastest);
}

/* Models */

static gboolean
bench_model (const BenchFlags  *flags,
             const char        *preset,
             const char        *backend_name,
             ModelResult       *result,
             GError           **error)
{
  g_autoptr(CepModelSpec) spec = cep_model_preset_new (preset, CEP_MODEL_DEFAULT_FEATURE_DIM,
                                                       CEP_MODEL_DEFAULT_CLASSES, error);
  g_autoptr(CepBackend) backend = NULL;
  gboolean full = g_str_equal (preset, "full");
  guint runs = runs_for (flags, backend_name, full ? 10 : 30);

  *result = (ModelResult) { .model = preset, .backend = backend_name };
  if (spec == NULL)
    return FALSE;
  result->train_flops = (double) cep_model_spec_count_train_gemm_flops (spec);
  result->forward_flops = (double) cep_benchmark_forward_gemm_flops (spec);
  if (full && g_str_equal (backend_name, "ref") && !flags->all)
    {
      result->skipped = TRUE;
      return TRUE;
    }
  if ((backend = open_backend (backend_name, flags, error)) == NULL)
    return FALSE;
  return cep_benchmark_train_step (spec, backend, (guint) flags->batch, runs, &result->train,
                                   error)
         && cep_benchmark_inference (spec, backend, (guint) flags->batch, runs,
                                     &result->inference, error)
         && cep_benchmark_sgemm_step (spec, (guint) flags->batch, (guint) flags->threads,
                                      runs_for (flags, "openblas", full ? 10 : 30),
                                      &result->sgemm, error);
}

static double
samples_per_second (const BenchFlags *flags,
                    const CepTiming  *timing)
{
  return flags->batch / timing->median;
}

static void
print_model_row (const BenchFlags  *flags,
                 const ModelResult *r)
{
  double train = samples_per_second (flags, &r->train);
  double infer = samples_per_second (flags, &r->inference);
  double sgemm = samples_per_second (flags, &r->sgemm);

  if (r->skipped)
    {
      printf ("  %-5s %-5s   %s\n", r->model, r->backend,
              _("skipped (the plain C oracle needs minutes; --all runs it)"));
      return;
    }
  /* ' groups the samples per second as the locale does. */
  printf ("  %-5s %-5s %'10.0f %8.1f %'12.0f %8.1f   %'10.0f %8.1f\n", r->model, r->backend,
          train, train * r->train_flops / 1e9, infer, infer * r->forward_flops / 1e9,
          sgemm, sgemm * r->train_flops / 1e9);
}

/* JSON */

static void
add_timing (JsonBuilder     *builder,
            const char      *prefix,
            const CepTiming *timing,
            double           samples_per_second,
            double           gflops)
{
  g_autofree char *seconds = g_strconcat (prefix, "_step_seconds", NULL);
  g_autofree char *rate = g_strconcat (prefix, "_samples_per_second", NULL);
  g_autofree char *gflop = g_strconcat (prefix, "_gflops", NULL);

  json_builder_set_member_name (builder, seconds);
  json_builder_add_double_value (builder, timing->median);
  json_builder_set_member_name (builder, rate);
  json_builder_add_double_value (builder, samples_per_second);
  json_builder_set_member_name (builder, gflop);
  json_builder_add_double_value (builder, gflops);
}

static void
add_model_json (JsonBuilder       *builder,
                const BenchFlags  *flags,
                const ModelResult *r)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, r->model);
  json_builder_set_member_name (builder, "backend");
  json_builder_add_string_value (builder, r->backend);
  json_builder_set_member_name (builder, "skipped");
  json_builder_add_boolean_value (builder, r->skipped);
  if (!r->skipped)
    {
      double train = samples_per_second (flags, &r->train);
      double infer = samples_per_second (flags, &r->inference);
      double sgemm = samples_per_second (flags, &r->sgemm);

      json_builder_set_member_name (builder, "runs");
      json_builder_add_int_value (builder, r->train.runs);
      add_timing (builder, "train", &r->train, train, train * r->train_flops / 1e9);
      add_timing (builder, "inference", &r->inference, infer, infer * r->forward_flops / 1e9);
      add_timing (builder, "sgemm", &r->sgemm, sgemm, sgemm * r->train_flops / 1e9);
    }
  json_builder_end_object (builder);
}

static void
add_seed_json (JsonBuilder     *builder,
               const char      *name,
               const CepTiming *timing)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "backend");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "milliseconds");
  json_builder_add_double_value (builder, 1e3 * timing->median);
  json_builder_set_member_name (builder, "fastest_milliseconds");
  json_builder_add_double_value (builder, 1e3 * timing->fastest);
  json_builder_set_member_name (builder, "gflops");
  json_builder_add_double_value (builder, cep_benchmark_seed_flops () / timing->median / 1e9);
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, timing->runs);
  json_builder_end_object (builder);
}

/* Running */

/* Whether a backend that was built can run here (a Vulkan build on a machine without a
 * device cannot); says why not on stderr. Only asked for backends nobody named: a backend
 * named with --backend that cannot run is an error. */
static gboolean
backend_runs_here (const BenchFlags *flags,
                   const char       *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepBackend) backend = open_backend (name, flags, &error);

  if (backend == NULL)
    {
      g_autofree char *skipping = g_strdup_printf (_("skipping %s: %s"), name, error->message);
      cep_cli_warn ("bench", skipping);
    }
  return backend != NULL;
}

static GPtrArray *
chosen_backends (const BenchFlags *flags)
{
  GPtrArray *names = g_ptr_array_new ();
  const char *const *available = cep_backend_list_available ();

  for (guint i = 0; available[i] != NULL; i++)
    {
      if (flags->backend != NULL && !g_str_equal (flags->backend, available[i]))
        continue;
      if (flags->backend == NULL && !backend_runs_here (flags, available[i]))
        continue;
      g_ptr_array_add (names, (gpointer) available[i]);
    }
  return names;
}

static gboolean
run_seed_products (const BenchFlags  *flags,
                   GPtrArray         *backends,
                   JsonBuilder       *builder,
                   GError           **error)
{
  CepTiming timing;

  if (builder == NULL)
    printf (_("Seed product {%d, %d} × {%d, %d}, %.1f MFLOP, median:\n"), CEP_BENCHMARK_SEED_M,
            CEP_BENCHMARK_SEED_K, CEP_BENCHMARK_SEED_K, CEP_BENCHMARK_SEED_N,
            cep_benchmark_seed_flops () / 1e6);
  for (guint i = 0; i <= backends->len; i++)
    {
      const char *name = i < backends->len ? g_ptr_array_index (backends, i) : NULL;

      if (!bench_seed (flags, name, &timing, error))
        return FALSE;
      if (builder != NULL)
        add_seed_json (builder, name != NULL ? name : "openblas-sgemm", &timing);
      else
        print_seed_row (name != NULL ? name : "OpenBLAS cblas_sgemm", &timing);
    }
  return TRUE;
}

static gboolean
run_models (const BenchFlags  *flags,
            GPtrArray         *backends,
            JsonBuilder       *builder,
            GError           **error)
{
  const char *presets[] = { "tiny", "full" };
  ModelResult result;

  if (builder == NULL)
    {
      printf ("\n");
      printf (_("Batch %d, median step: samples/s and GEMM-equivalent GFLOP/s\n"), flags->batch);
      /* Translators: the headings of the columns below them; keep each over its column. */
      printf ("%s\n", _("  model backend  train  GFLOP/s    inference  GFLOP/s   bare sgemm  "
                        "GFLOP/s"));
    }
  for (guint p = 0; p < G_N_ELEMENTS (presets); p++)
    for (guint i = 0; i < backends->len; i++)
      {
        if (flags->model != NULL && !g_str_equal (flags->model, presets[p]))
          continue;
        if (!bench_model (flags, presets[p], g_ptr_array_index (backends, i), &result, error))
          return FALSE;
        if (builder != NULL)
          add_model_json (builder, flags, &result);
        else
          print_model_row (flags, &result);
      }
  return TRUE;
}

static int
run_bench (const BenchFlags *flags)
{
  g_autoptr(GPtrArray) backends = chosen_backends (flags);
  g_autoptr(JsonBuilder) builder = flags->json ? json_builder_new () : NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  if (backends->len == 0)
    return cep_cli_usage_error ("bench", _("unknown backend “%s”"), flags->backend);
  if (builder != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "batch");
      json_builder_add_int_value (builder, flags->batch);
      json_builder_set_member_name (builder, "threads");
      json_builder_add_int_value (builder, flags->threads);
      json_builder_set_member_name (builder, "seed_product");
      json_builder_begin_array (builder);
    }
  if (!run_seed_products (flags, backends, builder, &error))
    return cep_cli_fail ("bench", error, CEP_CLI_EXIT_INVALID_DATA);
  if (builder != NULL)
    {
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "models");
      json_builder_begin_array (builder);
    }
  if (!run_models (flags, backends, builder, &error))
    return cep_cli_fail ("bench", error, CEP_CLI_EXIT_INVALID_DATA);
  if (builder == NULL)
    return CEP_CLI_EXIT_OK;
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
  return CEP_CLI_EXIT_OK;
}

int
cep_cli_bench_run (int    argc,
                   char **argv)
{
  BenchFlags flags = { .batch = 1024 };
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &flags.quick, N_("Fewer repetitions"), NULL },
    { "all", 0, 0, G_OPTION_ARG_NONE, &flags.all, N_("Also full on the ref backend (slow)"), NULL },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &flags.backend, N_("Only this backend"), "NAME" },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &flags.model, N_("Only this model: tiny or full"),
      "NAME" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &flags.threads,
      N_("Compute threads (default: one per core)"), "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &flags.batch, N_("Batch size (default 1024)"), "B" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &flags.json, N_("Print JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("bench", NULL,
                              N_("Times are medians of several timed repetitions after two "
                                 "warm-up ones. GEMM-equivalent GFLOP/s count the GEMMs only:\n"
                                 "2·in·out per Linear forward, as much again for the weight "
                                 "gradient and the input gradient (none for the first layer).\n"
                                 "“bare sgemm” runs just those GEMMs through cblas_sgemm: the "
                                 "GEMM-bound ceiling of a step.\n"
                                 "Exit status: 0 done, 1 usage error."),
                              entries, &argc, &argv, &exit_code))
    goto out;
  if (rest != NULL)
    exit_code = cep_cli_usage_error ("bench", _("unexpected argument “%s”"), rest[0]);
  else if (flags.threads < 0 || flags.threads > CEP_BACKEND_MAX_THREADS || flags.batch < 2)
    exit_code = cep_cli_usage_error ("bench", _("--threads must be in [0, %u] and --batch at "
                                       "least 2"), CEP_BACKEND_MAX_THREADS);
  else if (flags.model != NULL && !g_str_equal (flags.model, "tiny")
           && !g_str_equal (flags.model, "full"))
    exit_code = cep_cli_usage_error ("bench", _("--model is tiny or full, not “%s”"),
                                     flags.model);
  else
    exit_code = run_bench (&flags);

out:
  g_free (flags.backend);
  g_free (flags.model);
  return exit_code;
}
