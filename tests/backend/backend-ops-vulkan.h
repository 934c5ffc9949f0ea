/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * backend-ops-vulkan.h: the op cases only the vulkan backend has — every GEMM tile shape
 * forced in turn, the vec4 kernel on aligned views, products split along k, long vectors in
 * pieces under a small binding limit. Built only with Vulkan.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registers them as /backend-ops/vulkan/… (backend-ops-candidates.h). */
void backend_ops_add_vulkan_cases (void);

G_END_DECLS
