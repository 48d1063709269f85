/* didact-application.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "didact-engine.h"

G_BEGIN_DECLS

#define DIDACT_APPLICATION_ID "org.didact.Workbench"
#define DIDACT_TYPE_APPLICATION (didact_application_get_type ())

G_DECLARE_FINAL_TYPE (DidactApplication, didact_application, DIDACT, APPLICATION, AdwApplication)

DidactApplication *didact_application_new (void);
/* The preferences, or NULL when the schema is not installed (an uninstalled
 * binary run directly): callers then use the defaults. */
GSettings *didact_application_get_settings (DidactApplication *self);
/* Datasets stay loaded for the application's life: sessions borrow them. */
DdData    *didact_application_lookup_data  (DidactApplication *self, const char *name);
/* every data set held, borrowed (a new array; the sets live as long as the application) */
GPtrArray *didact_application_list_data    (DidactApplication *self);
void       didact_application_store_data   (DidactApplication *self, const char *name, DdData *data);

G_END_DECLS
