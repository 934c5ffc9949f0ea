/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-vulkan-device.c: the vulkan backend's own machinery — device listing and choice (by
 * index, by name, CEPSTRA_VULKAN_DEVICE), clear errors without a driver or a loader
 * (subprocesses with VK_ICD_FILENAMES / CEPSTRA_VULKAN_LIBRARY pointing nowhere) and the
 * fallback to blas, out-of-memory errors that leave the backend usable, the ordering of
 * recorded commands (dependent chains, uploads over tensors that queued commands still read,
 * more commands than one command buffer holds), memory reuse and dedicated allocations,
 * transfers larger than the staging and readback areas, and one run of every kind of kernel
 * under GPU-assisted validation.
 */
#include <math.h>
#include <string.h>

#include "backend-test-util.h"
#include "cep-network.h"
#include "cep-vulkan-private.h"
#include "vulkan-test-util.h"

static CepBackend *
shared (void)
{
  return vulkan_test_backend (CEP_VULKAN_VALIDATION_STANDARD);
}

/* Devices */

static void
test_list (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = cep_backend_vulkan_list_devices (&error);
  static const char *const kinds[] = { "discrete", "integrated", "virtual", "cpu", "other" };
  gboolean any_usable = FALSE;

  if (devices == NULL || devices->len == 0)
    {
      g_test_skip ("no Vulkan device");
      return;
    }
  for (guint i = 0; i < devices->len; i++)
    {
      CepVulkanDevice *device = devices->pdata[i];
      g_test_message ("device %u: %s (%s)%s", device->index, device->name, device->kind,
                      device->usable ? "" : ", not usable");
      g_assert_cmpuint (device->index, ==, i);
      g_assert_cmpstr (device->name, !=, "");
      g_assert_true (g_strv_contains (kinds, device->kind));
      any_usable |= device->usable;
    }
  g_assert_true (any_usable);
}

/* The name of device @index (g_free), or NULL when there is none. */
static char *
device_name (guint index)
{
  g_autoptr (GPtrArray) devices = cep_backend_vulkan_list_devices (NULL);

  if (devices == NULL || index >= devices->len)
    return NULL;
  return g_strdup (((CepVulkanDevice *) devices->pdata[index])->name);
}

static CepBackend *
backend_for (const char *choice,
             GError    **error)
{
  CepVulkanOptions options = { choice, CEP_VULKAN_VALIDATION_NONE };

  return cep_backend_vulkan_new (&options, error);
}

static void
test_choice (void)
{
  g_autofree char *name = device_name (0);
  g_autoptr (GError) error = NULL;

  if (name == NULL)
    {
      g_test_skip ("no Vulkan device");
      return;
    }
  g_autoptr (CepBackend) by_index = backend_for ("0", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (cep_backend_get_description (by_index), name));
  /* A part of the name, in another case. */
  g_autofree char *part = g_ascii_strup (name, MIN (strlen (name), 5));
  g_autoptr (CepBackend) by_name = backend_for (part, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (cep_backend_get_description (by_name), name));

  g_assert_null (backend_for ("no such gpu 9000", &error));
  g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no such gpu 9000"));
  /* The message lists what could have been named. */
  g_autofree char *listed = g_strdup_printf ("0 “%s”", name);
  g_assert_nonnull (strstr (error->message, listed));
  g_clear_error (&error);
  g_assert_null (backend_for ("99", &error));
  g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED);
}

/* The generic constructor takes the device in CepBackendOptions, as the trainer passes an
 * experiment's train.device; the backend names it back, and that name picks it again. */
static void
test_options_device (void)
{
  g_autofree char *name = device_name (0);
  g_autoptr (GError) error = NULL;
  CepBackendOptions options = { .device = "0" };

  if (name == NULL)
    {
      g_test_skip ("no Vulkan device");
      return;
    }
  g_autoptr (CepBackend) by_index = cep_backend_new ("vulkan", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_backend_get_device_name (by_index), ==, name);
  options.device = cep_backend_get_device_name (by_index);
  g_autoptr (CepBackend) by_name = cep_backend_new ("vulkan", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_backend_get_device_name (by_name), ==, name);

  options.device = "no such gpu 9000";
  g_assert_null (cep_backend_new ("vulkan", &options, &error));
  g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED);
  g_clear_error (&error);
  /* The generic device list names the same device, and CPU backends have none. */
  g_auto (GStrv) names = NULL;
  g_auto (GStrv) indices = cep_backend_list_devices ("vulkan", &names);
  g_assert_nonnull (indices);
  g_assert_cmpuint (g_strv_length (indices), ==, g_strv_length (names));
  g_assert_true (g_strv_contains ((const char * const *) names, name));
  g_assert_null (cep_backend_list_devices ("blas", NULL));
  g_assert_null (cep_backend_list_devices ("ref", NULL));
  /* CPU backends have no device, whatever the options say. */
  g_autoptr (CepBackend) blas = cep_backend_new ("blas", &options, &error);
  g_assert_no_error (error);
  g_assert_null (cep_backend_get_device_name (blas));
}

static void
test_environment_choice (void)
{
  g_autofree char *name = device_name (0);
  g_autoptr (GError) error = NULL;

  if (name == NULL)
    {
      g_test_skip ("no Vulkan device");
      return;
    }
  g_setenv ("CEPSTRA_VULKAN_DEVICE", "no such gpu 9000", TRUE);
  g_assert_null (cep_backend_vulkan_new (NULL, &error));
  g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED);
  g_clear_error (&error);
  /* An explicit choice wins over the environment. */
  g_autoptr (CepBackend) chosen = backend_for ("0", &error);
  g_assert_no_error (error);
  g_setenv ("CEPSTRA_VULKAN_DEVICE", "0", TRUE);
  g_autoptr (CepBackend) from_env = cep_backend_vulkan_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (cep_backend_get_description (from_env), name));
  g_unsetenv ("CEPSTRA_VULKAN_DEVICE");
}

/* In a subprocess with the environment of @variable = @value: creating the backend fails
 * with a message containing @expected, and blas still works. */
static void
run_without_vulkan (const char *variable,
                    const char *value,
                    const char *expected)
{
  g_autoptr (GError) error = NULL;

  g_setenv (variable, value, TRUE);
  g_setenv ("VK_DRIVER_FILES", value, TRUE);
  g_assert_null (cep_backend_vulkan_new (NULL, &error));
  g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED);
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” does not say “%s”", error->message, expected);
  g_clear_error (&error);
  g_autoptr (GPtrArray) devices = cep_backend_vulkan_list_devices (&error);
  g_assert_true (devices == NULL || devices->len == 0);
  g_clear_error (&error);
  g_assert_null (cep_backend_list_devices ("vulkan", NULL));
  if (g_strv_contains (cep_backend_list_available (), "vulkan"))
    {
      g_assert_null (cep_backend_new ("vulkan", NULL, &error));
      g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED);
      g_clear_error (&error);
    }
  g_autoptr (CepBackend) fallback = cep_backend_new ("blas", NULL, &error);
  g_assert_no_error (error);
}

static void
test_no_driver (void)
{
  if (g_test_subprocess ())
    {
      run_without_vulkan ("VK_ICD_FILENAMES", "/nonexistent/icd.json", "no Vulkan");
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
}

static void
test_no_loader (void)
{
  if (g_test_subprocess ())
    {
      run_without_vulkan ("CEPSTRA_VULKAN_LIBRARY", "/nonexistent/libvulkan.so.1",
                          "no Vulkan loader");
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
}

/* Memory */

static void
assert_usable (CepBackend *backend)
{
  const float values[3] = { 1.0f, 2.0f, 3.0f };
  g_autoptr (TestTensor) t = test_tensor_new_from (backend, values, 3);
  cep_backend_scale (backend, 3, 2.0f, t->view);
  g_autofree float *out = test_tensor_floats (t);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat (out[i], ==, 2.0f * values[i]);
}

/* A buffer of 4 Ti words, and one just larger than the device's heap (3 GiB on lavapipe's
 * 2 GiB, 141 GiB on an H200), both fail cleanly and leave the backend usable. */
static void
test_out_of_memory (void)
{
  CepBackend *backend = shared ();
  gsize sizes[2] = { (gsize) 1 << 40 };

  if (backend == NULL)
    return;
  sizes[1] = cep_backend_vulkan_get_heap_bytes (backend) / 4 + ((gsize) 1 << 28);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_null (cep_buffer_new (backend, sizes[i], &error));
      g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_NO_MEMORY);
      g_test_message ("%s", error->message);
    }
  assert_usable (backend);
  vulkan_test_assert_clean (backend);
}

static void
test_memory_reuse (void)
{
  CepBackend *backend = shared ();
  CepBuffer *buffers[64];
  guint blocks, blocks_after;

  if (backend == NULL)
    return;
  assert_usable (backend);
  guint64 bytes = cep_backend_vulkan_get_device_bytes (backend, &blocks);
  for (guint round = 0; round < 3; round++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (buffers); i++)
        buffers[i] = cep_buffer_new (backend, 1 + (i * 7919 + round) % 40000, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (buffers); i += 2)
        cep_buffer_free (buffers[i]);
      for (guint i = 1; i < G_N_ELEMENTS (buffers); i += 2)
        cep_buffer_free (buffers[i]);
    }
  g_assert_cmpuint (cep_backend_vulkan_get_device_bytes (backend, &blocks_after), ==, bytes);
  g_assert_cmpuint (blocks_after, ==, blocks);
  /* A buffer larger than half a block gets its own allocation, returned when freed. */
  CepBuffer *large = cep_buffer_new (backend, (gsize) 10 << 20, NULL);
  g_assert_cmpuint (cep_backend_vulkan_get_device_bytes (backend, NULL), >=,
                    bytes + ((guint64) 40 << 20));
  cep_buffer_free (large);
  g_assert_cmpuint (cep_backend_vulkan_get_device_bytes (backend, NULL), ==, bytes);
  vulkan_test_assert_clean (backend);
}

/* Round trips larger than the staging area (16 MiB) and the readback buffer (4 MiB), at an
 * odd offset. */
static void
test_large_transfers (void)
{
  const gsize n = 5000011;
  CepBackend *backend = shared ();

  if (backend == NULL)
    return;
  g_autofree guint32 *data = g_new (guint32, n);
  g_autofree guint32 *back = g_new0 (guint32, n);
  for (gsize i = 0; i < n; i++)
    data[i] = (guint32) (i * 2654435761u);
  g_autoptr (CepBuffer) buffer = cep_buffer_new (backend, n + 3, NULL);
  cep_buffer_upload (buffer, 3, data, n);
  cep_buffer_download (buffer, 3, back, n);
  g_assert_cmpmem (back, n * 4, data, n * 4);
  vulkan_test_assert_clean (backend);
}

/* Ordering */

/* y ← 2x + y, then x is overwritten by an upload while that axpy is still only recorded,
 * then y ← 3x + y: the upload must wait for the first axpy (write after read) and the second
 * must see it. Repeated past one command buffer's capacity, with views at odd offsets. */
static void
test_ordering (void)
{
  const gsize n = 1001;
  const guint rounds = 700;
  CepBackend *backend = shared ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);

  if (backend == NULL)
    return;
  g_autofree float *y = test_random_floats (rand, n, -1.0f, 1.0f);
  g_autoptr (TestTensor) tx = test_tensor_new (backend, n);
  g_autoptr (TestTensor) ty = test_tensor_new_from (backend, y, n);
  g_autofree double *expected = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    expected[i] = y[i];
  for (guint r = 0; r < rounds; r++)
    {
      g_autofree float *x = test_random_floats (rand, n, -1.0f, 1.0f);
      float alpha = r % 2 ? 2.0f : 3.0f;
      test_tensor_upload (tx, x);
      cep_backend_axpy (backend, n, alpha, tx->view, ty->view);
      if (r % 50 == 49)
        cep_backend_scale (backend, n, 0.5f, ty->view);
      for (gsize i = 0; i < n; i++)
        {
          expected[i] += (double) alpha * x[i];
          if (r % 50 == 49)
            expected[i] *= 0.5;
        }
    }
  g_autofree float *got = test_tensor_floats (ty);
  g_assert_cmpfloat (test_normalized_error_d (got, expected, n), <, 1e-5);
  vulkan_test_assert_clean (backend);
}

/* GPU-assisted validation over every kind of kernel: training steps of a network with batch
 * norm, dropout and clipping, then evaluation. GEMMs use the 4 × 4 tile: instrumented, the
 * 8 × 8 tiles take lavapipe's compiler a minute (they are checked under standard validation
 * in test-backend-ops, /backend-ops/vulkan/gemm/tiles). */
static void
test_gpu_assisted (void)
{
  g_setenv ("CEPSTRA_VULKAN_GEMM_TILE", "gpu:medium", TRUE);
  g_autoptr (CepBackend) backend = vulkan_test_backend_new (CEP_VULKAN_VALIDATION_GPU_ASSISTED);
  g_unsetenv ("CEPSTRA_VULKAN_GEMM_TILE");
  g_autoptr (CepModelSpec) spec = cep_model_spec_new (1, 5, 7);
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (8);
  const guint n = 19;

  if (backend == NULL)
    return;
  cep_model_spec_add (spec, cep_block_linear (33));
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_MISH));
  cep_model_spec_add (spec, cep_block_dropout (0.2));
  spec->label_smoothing = 0.1;
  g_autoptr (CepNetwork) network = cep_network_new (spec, backend, n, &error);
  g_assert_no_error (error);
  cep_network_init_parameters (network, 4);
  g_autofree float *inputs = test_random_floats (rand, n * 15, -1.0f, 1.0f);
  g_autofree gint32 *labels = g_new (gint32, n);
  g_autofree float *logits = g_new (float, n * 7);
  for (guint i = 0; i < n; i++)
    labels[i] = (gint32) (i % 7);
  CepOptimizerConfig config;
  cep_optimizer_config_init (&config);
  config.clip_norm = 1.0;
  g_assert_true (cep_network_set_optimizer (network, &config, NULL));
  for (guint step = 1; step <= 2; step++)
    {
      cep_network_train_step (network, inputs, labels, n, step, 1e-2, NULL, &error);
      g_assert_no_error (error);
    }
  cep_network_forward_eval (network, inputs, n, logits, &error);
  g_assert_no_error (error);
  g_assert_true (test_all_finite (logits, n * 7));
  vulkan_test_assert_clean (backend);
}

/* The messenger is live: an invalid command (a copy between overlapping ranges, which the
 * public API refuses but the internal one records) fails the run with the layer's message. */
static void
test_validation_catches (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (CepBackend) backend = vulkan_test_backend_new (CEP_VULKAN_VALIDATION_STANDARD);
      if (backend == NULL || cep_backend_vulkan_get_validation_messages (backend) != 0)
        return;
      g_autoptr (CepBuffer) buffer = cep_buffer_new (backend, 64, NULL);
      _cep_vulkan_copy_words (cep_vulkan_context (backend), cep_view (buffer, 0),
                              cep_view (buffer, 8), 32);
      cep_backend_synchronize (backend);
      return;
    }
  if (shared () == NULL)
    return;
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*vulkan validation*");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vulkan-device/list", test_list);
  g_test_add_func ("/vulkan-device/choice", test_choice);
  g_test_add_func ("/vulkan-device/environment-choice", test_environment_choice);
  g_test_add_func ("/vulkan-device/options-device", test_options_device);
  g_test_add_func ("/vulkan-device/no-driver", test_no_driver);
  g_test_add_func ("/vulkan-device/no-loader", test_no_loader);
  g_test_add_func ("/vulkan-device/out-of-memory", test_out_of_memory);
  g_test_add_func ("/vulkan-device/memory-reuse", test_memory_reuse);
  g_test_add_func ("/vulkan-device/large-transfers", test_large_transfers);
  g_test_add_func ("/vulkan-device/ordering", test_ordering);
  g_test_add_func ("/vulkan-device/gpu-assisted", test_gpu_assisted);
  g_test_add_func ("/vulkan-device/validation-catches", test_validation_catches);

  status = g_test_run ();
  vulkan_test_finish ();
  return status;
}
