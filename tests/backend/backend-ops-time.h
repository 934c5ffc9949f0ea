/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * backend-ops-time.h: test-backend-ops' cases for the operations over time — convolution
 * unfold and fold, max and average pooling — on every candidate backend against ref.
 */
#pragma once

#include "backend-ops-candidates.h"

G_BEGIN_DECLS

void test_conv1d_unfold_fold (OpsFixture *fixture, gconstpointer data);
void test_max_pool1d         (OpsFixture *fixture, gconstpointer data);
void test_avg_pool1d         (OpsFixture *fixture, gconstpointer data);

G_END_DECLS
