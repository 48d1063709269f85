/* didact-application.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Didact-UI"

#include "config.h"
#include "didact-application.h"
#include "didact-presets.h"
#include "didact-window.h"

#include <glib/gi18n.h>

struct _DidactApplication {
  AdwApplication parent_instance;
  GSettings     *settings;
  char          *preset;     /* --preset, or NULL for the settings' default */
  GHashTable    *datasets;   /* name → DdData */
};

G_DEFINE_FINAL_TYPE (DidactApplication, didact_application, ADW_TYPE_APPLICATION)

DidactApplication *
didact_application_new (void)
{
  return g_object_new (DIDACT_TYPE_APPLICATION,
                       "application-id", DIDACT_APPLICATION_ID,
                       "flags", G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/didact/Workbench",
                       NULL);
}

GSettings *
didact_application_get_settings (DidactApplication *self)
{
  return self->settings;
}

DdData *
didact_application_lookup_data (DidactApplication *self, const char *name)
{
  return g_hash_table_lookup (self->datasets, name);
}

GPtrArray *
didact_application_list_data (DidactApplication *self)
{
  GPtrArray *all = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer data;

  g_hash_table_iter_init (&iter, self->datasets);
  while (g_hash_table_iter_next (&iter, NULL, &data))
    g_ptr_array_add (all, data);
  return all;
}

void
didact_application_store_data (DidactApplication *self, const char *name, DdData *data)
{
  g_hash_table_replace (self->datasets, g_strdup (name), data);
}

static void
didact_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      DidactApplication *self = DIDACT_APPLICATION (app);
      window = GTK_WINDOW (didact_window_new (ADW_APPLICATION (app), self->preset));
      gtk_window_present (window);
      /* a session left by a crash or a kill: offer it back */
      g_autofree char *orphan = didact_find_orphaned_autosave ();
      if (orphan != NULL)
        didact_window_offer_recovery (DIDACT_WINDOW (window), orphan);
      return;
    }
  gtk_window_present (window);
}

/* `didact FILE…` and files opened from the file manager: a window each */
static void
didact_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  DidactApplication *self = DIDACT_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);
      DidactWindow *window = didact_window_new (ADW_APPLICATION (app), self->preset);
      gtk_window_present (GTK_WINDOW (window));
      if (path != NULL)
        didact_window_open_file (window, path);
    }
}

static int
didact_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  DidactApplication *self = DIDACT_APPLICATION (app);
  const char *preset = NULL;

  if (g_variant_dict_lookup (options, "preset", "&s", &preset))
    {
      if (didact_preset_lookup (preset) == NULL)
        {
          guint n;
          const DidactPreset *all = didact_presets (&n);
          g_autoptr(GString) names = g_string_new (NULL);
          for (guint i = 0; i < n; i++)
            g_string_append_printf (names, "%s%s", i ? ", " : "", all[i].id);
          g_printerr (_("Unknown preset “%s”; choose one of %s\n"), preset, names->str);
          return 2;
        }
      g_free (self->preset);
      self->preset = g_strdup (preset);
    }
  return -1;
}

static void
on_quit (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
on_about (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { _("The Didact authors"), NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Didact"),
                         "application-icon", DIDACT_APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Didact authors"),
                         "developers", developers,
                         "comments", _("A workbench for learning to teach with dynamic loss "
                                       "functions: a teacher model writes the loss its student "
                                       "trains on, and you can watch, pause, edit and fork it."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", on_quit },
  { "about", on_about },
};

static void
didact_application_startup (GApplication *app)
{
  DidactApplication *self = DIDACT_APPLICATION (app);
  GtkApplication *gtk_app = GTK_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source
    ? g_settings_schema_source_lookup (source, DIDACT_APPLICATION_ID, TRUE) : NULL;

  G_APPLICATION_CLASS (didact_application_parent_class)->startup (app);

  if (schema != NULL)
    self->settings = g_settings_new (DIDACT_APPLICATION_ID);
  else
    g_message ("settings schema %s is not installed; using defaults", DIDACT_APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.play-pause", { "space", NULL } },
    { "win.step", { "period", NULL } },
    { "win.fork", { "<Control>b", NULL } },
    { "win.reset", { "<Control>r", NULL } },
    { "win.undo", { "<Control>z", NULL } },
    { "win.redo", { "<Control><Shift>z", NULL } },
    { "win.presentation", { "F11", NULL } },
    { "win.toggle-sidebar", { "F9", NULL } },
    { "win.apply-edit", { "<Control>Return", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (gtk_app, accels[i].action, accels[i].accels);
}

static void
didact_application_finalize (GObject *object)
{
  DidactApplication *self = DIDACT_APPLICATION (object);

  g_clear_object (&self->settings);
  g_free (self->preset);
  g_clear_pointer (&self->datasets, g_hash_table_unref);
  G_OBJECT_CLASS (didact_application_parent_class)->finalize (object);
}

static void
didact_application_class_init (DidactApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = didact_application_finalize;
  app_class->activate = didact_application_activate;
  app_class->open = didact_application_open;
  app_class->startup = didact_application_startup;
  app_class->handle_local_options = didact_application_handle_local_options;
}

static void
didact_application_init (DidactApplication *self)
{
  self->datasets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) dd_data_free);
  g_application_add_main_option (G_APPLICATION (self), "preset", 0, 0, G_OPTION_ARG_STRING,
                                 _("Start on this preset (fashion-mnist-mlp, mnist-lenet, digits-tiny-mlp)"),
                                 _("ID"));
}
