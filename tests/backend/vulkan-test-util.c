/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vulkan-test-util.c: the shared Vulkan backend of a test program, validation and skips.
 */
#include "vulkan-test-util.h"

static CepBackend *shared_backend = NULL;
static gboolean shared_failed = FALSE;

static gboolean
validation_required (void)
{
  return g_strcmp0 (g_getenv ("CEPSTRA_VULKAN_REQUIRE_VALIDATION"), "1") == 0;
}

CepBackend *
vulkan_test_backend_open (CepVulkanValidation validation,
                          GError            **error)
{
  g_autoptr (GError) local_error = NULL;
  CepVulkanOptions options = { NULL, validation };
  CepBackend *backend = cep_backend_vulkan_new (&options, &local_error);

  if (backend == NULL && validation != CEP_VULKAN_VALIDATION_NONE && !validation_required () &&
      g_strrstr (local_error->message, "validation") != NULL)
    {
      g_test_message ("%s; running without validation", local_error->message);
      g_clear_error (&local_error);
      options.validation = CEP_VULKAN_VALIDATION_NONE;
      backend = cep_backend_vulkan_new (&options, &local_error);
    }
  if (backend == NULL)
    {
      g_assert_error (local_error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_test_message ("%s", cep_backend_get_description (backend));
  return backend;
}

CepBackend *
vulkan_test_backend_new (CepVulkanValidation validation)
{
  g_autoptr (GError) error = NULL;
  CepBackend *backend = vulkan_test_backend_open (validation, &error);

  if (backend == NULL)
    g_test_skip (error->message);
  return backend;
}

CepBackend *
vulkan_test_backend (CepVulkanValidation validation)
{
  if (shared_backend == NULL && !shared_failed)
    {
      shared_backend = vulkan_test_backend_new (validation);
      shared_failed = shared_backend == NULL;
    }
  if (shared_backend == NULL)
    g_test_skip ("no Vulkan device");
  return shared_backend;
}

void
vulkan_test_assert_clean (CepBackend *backend)
{
  g_autoptr (GError) error = NULL;

  cep_backend_synchronize (backend);
  g_assert_cmpuint (cep_backend_vulkan_get_validation_messages (backend), ==, 0);
  cep_backend_vulkan_check (backend, &error);
  g_assert_no_error (error);
}

void
vulkan_test_finish (void)
{
  if (shared_backend == NULL)
    return;
  vulkan_test_assert_clean (shared_backend);
  g_clear_pointer (&shared_backend, cep_backend_free);
}

gboolean
vulkan_test_backend_is_cpu (CepBackend *backend)
{
  g_autoptr (GPtrArray) devices = cep_backend_vulkan_list_devices (NULL);
  const char *name = cep_backend_get_device_name (backend);

  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      CepVulkanDevice *device = g_ptr_array_index (devices, i);
      if (g_strcmp0 (device->name, name) == 0)
        return g_strcmp0 (device->kind, "cpu") == 0;
    }
  return FALSE;
}
