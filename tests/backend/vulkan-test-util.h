/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vulkan-test-util.h: what the Vulkan tests share — one backend per test program (pipelines
 * compile once), created under the Khronos validation layer when it is installed, and the
 * skip when this machine has no Vulkan device.
 *
 * With validation on, every validation message is logged as a warning, which the test
 * environment (G_DEBUG=fatal-warnings) turns into a failure; vulkan_test_finish() also
 * asserts the count is zero.
 */
#pragma once

#include "cep-backend-vulkan.h"

G_BEGIN_DECLS

/* The shared backend, created on first use with @validation (downgraded to none, with a
 * message, when the layer is missing and CEPSTRA_VULKAN_REQUIRE_VALIDATION is unset); NULL
 * after g_test_skip() when there is no device. */
CepBackend *vulkan_test_backend        (CepVulkanValidation validation);
/* A fresh backend, or NULL after g_test_skip(). */
CepBackend *vulkan_test_backend_new    (CepVulkanValidation validation);
/* A fresh backend with the same fallback, or NULL with @error (no skip) when this machine
 * has no Vulkan device: for callers that skip several tests for one reason. */
CepBackend *vulkan_test_backend_open   (CepVulkanValidation validation,
                                        GError            **error);
/* Asserts no validation message and no device error, then frees the shared backend. */
void        vulkan_test_finish         (void);
/* Asserts that @backend had no validation message and no device error. */
void        vulkan_test_assert_clean   (CepBackend         *backend);

/* TRUE when @backend runs on a CPU implementation (lavapipe), which takes its own paths. */
gboolean    vulkan_test_backend_is_cpu (CepBackend         *backend);

G_END_DECLS
