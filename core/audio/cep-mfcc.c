/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Placeholder: implementation in progress. */
#include "cep-mfcc.h"
