/* didact-samples-view.c: translation samples, with the words that changed
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real widgets throughout (labels in boxes in a scrolled window), so that
 * the text is selectable, wraps, and reaches screen readers. One card per
 * sentence: its source and reference, then one row per arm, built once when
 * the sentences or the arms change. A new hypothesis only rewrites the
 * labels of its own row. Changed words are marked with a Pango background
 * whose strength follows the style (light or dark), re-marked up when the
 * style flips.
 */
#define G_LOG_DOMAIN "Didact-UI"

#include "config.h"
#include "didact-samples-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* Above this many cells the alignment table is not built: the differing
 * middle of the two hypotheses is all marked as changed. */
#define MAX_LCS_CELLS (4u * 1024u * 1024u)

/* arm names longer than this are ellipsized */
#define MAX_NAME_CHARS 15

#define SWATCH_SIZE 10

typedef struct _Sentence Sentence;

typedef struct
{
  Sentence *sentence;
  guint arm;
  GdkRGBA color;

  GtkWidget *row;     /* GtkBox: the accessible object of the line */
  GtkWidget *swatch;
  GtkWidget *name;
  GtkWidget *text;
  GtkWidget *bleu;

  char **words;       /* the current hypothesis, split; NULL before the first */
  guint8 *changed;    /* per word */
  guint n_words;
  guint n_changed;
  double bleu_value;
  char *a11y_label;
} Cell;

struct _Sentence
{
  char *source;
  char *reference;
  GtkWidget *card;
  GtkWidget *separator;   /* between the reference and the arms' rows */
  GPtrArray *cells;   /* Cell *, one per arm */
};

struct _DidactSamplesView
{
  GtkWidget parent_instance;

  GtkWidget *stack;
  GtkWidget *header;
  GtkWidget *step_label;
  GtkWidget *legend;
  GtkWidget *cards;
  GtkSizeGroup *names_group;   /* the first column: arm names, "Source" … */
  GtkSizeGroup *bleu_group;

  GPtrArray *sentences;        /* Sentence * */
  guint n_arms;
  char **arm_names;            /* n_arms + 1, NULL-terminated */
  GdkRGBA *arm_colors;
  gint64 step;
  guint n_hypotheses;          /* cells holding a hypothesis */
  gboolean dark;
};

G_DEFINE_FINAL_TYPE (DidactSamplesView, didact_samples_view, GTK_TYPE_WIDGET)

static const GdkRGBA default_color = { 0.47f, 0.46f, 0.48f, 1.f };

/* ------------------------------------------------------------------------
 * Words and their alignment
 */

/* Splits at white space (any Unicode space), dropping empty words. */
static char **
split_words (const char *text,
             guint      *n_words)
{
  GPtrArray *words = g_ptr_array_new ();
  const char *p = text != NULL ? text : "";

  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      g_ptr_array_add (words, g_strndup (start, p - start));
    }
  *n_words = words->len;
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (words, FALSE);
}

/* Marks the words of @now that a longest common subsequence with @before
 * leaves unmatched; returns how many. The common prefix and suffix belong
 * to some longest common subsequence, so only the middle needs the table. */
static guint
mark_changed (char *const *now,
              guint        n,
              char *const *before,
              guint        m,
              guint8      *changed)
{
  guint prefix = 0, suffix = 0, a, b, count = 0;
  guint32 *table;

  memset (changed, 0, n);
  while (prefix < n && prefix < m && strcmp (now[prefix], before[prefix]) == 0)
    prefix++;
  while (suffix < n - prefix && suffix < m - prefix &&
         strcmp (now[n - 1 - suffix], before[m - 1 - suffix]) == 0)
    suffix++;
  a = n - prefix - suffix;
  b = m - prefix - suffix;
  now += prefix;
  before += prefix;
  changed += prefix;
  if (a == 0)
    return 0;
  if (b == 0 || (gsize) (a + 1) * (b + 1) > MAX_LCS_CELLS)
    {
      memset (changed, 1, a);
      return a;
    }

  /* table[i][j]: the length of a longest common subsequence of now[i..a)
   * and before[j..b) */
#define T(i, j) table[(gsize) (i) * (b + 1) + (j)]
  table = g_new0 (guint32, (gsize) (a + 1) * (b + 1));
  for (guint i = a; i-- > 0;)
    for (guint j = b; j-- > 0;)
      T (i, j) = strcmp (now[i], before[j]) == 0 ? T (i + 1, j + 1) + 1
                                                  : MAX (T (i + 1, j), T (i, j + 1));
  for (guint i = 0, j = 0; i < a;)
    {
      if (j < b && strcmp (now[i], before[j]) == 0)
        i++, j++;
      else if (j == b || T (i + 1, j) >= T (i, j + 1))
        changed[i++] = 1, count++;
      else
        j++;
    }
#undef T
  g_free (table);
  return count;
}

/* ------------------------------------------------------------------------
 * Markup
 */

/* Yellow under the changed words: stronger on a light page, where a pale
 * tint hardly shows, lighter on a dark one, where light text must stay
 * readable over it. */
static void
append_highlight_open (GString  *markup,
                       gboolean  dark)
{
  g_string_append (markup, dark ? "<span background=\"#f6d32d\" bgalpha=\"30%\">"
                                : "<span background=\"#f6d32d\" bgalpha=\"55%\">");
}

static char *
cell_markup (Cell     *cell,
             gboolean  dark)
{
  GString *markup = g_string_new (NULL);

  for (guint i = 0; i < cell->n_words; i++)
    {
      g_autofree char *escaped = g_markup_escape_text (cell->words[i], -1);
      gboolean open = cell->changed[i] && (i == 0 || !cell->changed[i - 1]);
      gboolean close = cell->changed[i] && (i + 1 == cell->n_words || !cell->changed[i + 1]);

      if (i > 0)
        g_string_append_c (markup, ' ');
      if (open)
        append_highlight_open (markup, dark);
      g_string_append (markup, escaped);
      if (close)
        g_string_append (markup, "</span>");
    }
  return g_string_free (markup, FALSE);
}

static void
update_legend (DidactSamplesView *self)
{
  g_autofree char *escaped = g_markup_escape_text (_("Changed since the previous decode"), -1);
  GString *markup = g_string_new (NULL);

  append_highlight_open (markup, self->dark);
  g_string_append_printf (markup, "%s</span>", escaped);
  gtk_label_set_markup (GTK_LABEL (self->legend), markup->str);
  g_string_free (markup, TRUE);
}

/* ------------------------------------------------------------------------
 * Rows
 */

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  Cell *cell = data;
  double d = MIN (width, SWATCH_SIZE), cy = height / 2.0;
  graphene_rect_t name;

  /* the swatch spans the row's height (a wrapped hypothesis makes it
   * tall): the disc goes beside the name's line */
  if (gtk_widget_compute_bounds (cell->name, GTK_WIDGET (area), &name))
    {
      int x, y, h;

      /* where the label draws its line (on the row's baseline) */
      gtk_label_get_layout_offsets (GTK_LABEL (cell->name), &x, &y);
      pango_layout_get_pixel_size (gtk_label_get_layout (GTK_LABEL (cell->name)), NULL, &h);
      cy = CLAMP (name.origin.y + y + h / 2.0, d / 2.0, height - d / 2.0);
    }
  gdk_cairo_set_source_rgba (cr, &cell->color);
  cairo_arc (cr, width / 2.0, cy, d / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static const char *
arm_name (DidactSamplesView *self,
          guint              arm)
{
  return arm < self->n_arms && self->arm_names[arm] != NULL ? self->arm_names[arm] : "";
}

/* Refreshes the row's text, BLEU and accessible label from the cell. */
static void
cell_update (DidactSamplesView *self,
             Cell              *cell)
{
  g_autofree char *markup = NULL;
  g_autofree char *plain = NULL;
  GString *changed_words;

  if (cell->words == NULL)
    {
      gtk_widget_set_visible (cell->row, FALSE);
      g_clear_pointer (&cell->a11y_label, g_free);
      return;
    }

  markup = cell_markup (cell, self->dark);
  gtk_label_set_markup (GTK_LABEL (cell->text), markup);

  if (isnan (cell->bleu_value))
    gtk_widget_set_visible (cell->bleu, FALSE);
  else
    {
      g_autofree char *text = g_strdup_printf (_("BLEU %.1f"), cell->bleu_value);

      gtk_label_set_text (GTK_LABEL (cell->bleu), text);
      gtk_widget_set_visible (cell->bleu, TRUE);
    }

  plain = g_strjoinv (" ", cell->words);
  g_free (cell->a11y_label);
  if (isnan (cell->bleu_value))
    /* TRANSLATORS: an arm (training branch) and its translation */
    cell->a11y_label = g_strdup_printf (_("%s: %s"), arm_name (self, cell->arm), plain);
  else
    /* TRANSLATORS: an arm (training branch), its translation and its BLEU score */
    cell->a11y_label = g_strdup_printf (_("%s: %s, BLEU %.1f"), arm_name (self, cell->arm),
                                        plain, cell->bleu_value);

  changed_words = g_string_new (NULL);
  for (guint i = 0; i < cell->n_words; i++)
    if (cell->changed[i])
      {
        if (changed_words->len > 0)
          g_string_append_c (changed_words, ' ');
        g_string_append (changed_words, cell->words[i]);
      }
  if (changed_words->len > 0)
    {
      /* TRANSLATORS: the words of a translation that differ from the previous one */
      g_autofree char *description = g_strdup_printf (_("Changed: %s"), changed_words->str);

      gtk_accessible_update_property (GTK_ACCESSIBLE (cell->row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, cell->a11y_label,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                      -1);
    }
  else
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (cell->row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, cell->a11y_label,
                                      -1);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (cell->row),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
  g_string_free (changed_words, TRUE);
  gtk_widget_set_visible (cell->row, TRUE);
  gtk_widget_queue_draw (cell->swatch);   /* the name's line may have moved */
}

static void
cell_set_arm (DidactSamplesView *self,
              Cell              *cell)
{
  const char *name = arm_name (self, cell->arm);
  glong length = g_utf8_strlen (name, -1);

  cell->color = self->arm_colors != NULL ? self->arm_colors[cell->arm] : default_color;
  gtk_label_set_text (GTK_LABEL (cell->name), name);
  /* The first column must not give way to a long hypothesis, or the
   * columns of the rows would not line up: the name asks for its whole
   * width as its minimum, up to MAX_NAME_CHARS, and is ellipsized beyond
   * (the tooltip has it whole). */
  gtk_label_set_width_chars (GTK_LABEL (cell->name), MIN (length + 1, MAX_NAME_CHARS));
  gtk_widget_set_tooltip_text (cell->name, length >= MAX_NAME_CHARS ? name : NULL);
  gtk_widget_queue_draw (cell->swatch);
}

static Cell *
cell_new (DidactSamplesView *self,
          Sentence          *sentence,
          guint              arm)
{
  Cell *cell = g_new0 (Cell, 1);
  GtkWidget *name_box;

  cell->sentence = sentence;
  cell->arm = arm;
  cell->bleu_value = NAN;

  cell->row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_visible (cell->row, FALSE);

  name_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (name_box, GTK_ALIGN_BASELINE);
  cell->swatch = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (cell->swatch), SWATCH_SIZE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (cell->swatch), SWATCH_SIZE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (cell->swatch), draw_swatch, cell, NULL);
  /* the name says it; the colour only matches the plots */
  gtk_accessible_update_state (GTK_ACCESSIBLE (cell->swatch),
                               GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_box_append (GTK_BOX (name_box), cell->swatch);

  cell->name = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (cell->name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (cell->name), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (cell->name), MAX_NAME_CHARS);
  gtk_widget_set_valign (cell->name, GTK_ALIGN_BASELINE);
  gtk_widget_add_css_class (cell->name, "caption-heading");
  gtk_box_append (GTK_BOX (name_box), cell->name);
  gtk_size_group_add_widget (self->names_group, name_box);
  gtk_box_append (GTK_BOX (cell->row), name_box);

  cell->text = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (cell->text), 0);
  gtk_label_set_wrap (GTK_LABEL (cell->text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (cell->text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (cell->text), TRUE);
  /* selectable with the pointer, but not a tab stop each (nor selected
   * whole when the window first focuses it) */
  gtk_widget_set_focusable (cell->text, FALSE);
  gtk_widget_set_hexpand (cell->text, TRUE);
  gtk_widget_set_valign (cell->text, GTK_ALIGN_BASELINE);
  gtk_box_append (GTK_BOX (cell->row), cell->text);

  cell->bleu = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (cell->bleu), 1);
  gtk_widget_set_valign (cell->bleu, GTK_ALIGN_BASELINE);
  gtk_widget_add_css_class (cell->bleu, "numeric");
  gtk_widget_add_css_class (cell->bleu, "caption");
  gtk_widget_add_css_class (cell->bleu, "dim-label");
  gtk_widget_set_tooltip_text (cell->bleu, _("Sentence BLEU against the reference"));
  gtk_widget_set_visible (cell->bleu, FALSE);
  gtk_size_group_add_widget (self->bleu_group, cell->bleu);
  gtk_box_append (GTK_BOX (cell->row), cell->bleu);

  cell_set_arm (self, cell);
  return cell;
}

static void
cell_clear_hypothesis (Cell *cell)
{
  g_clear_pointer (&cell->words, g_strfreev);
  g_clear_pointer (&cell->changed, g_free);
  g_clear_pointer (&cell->a11y_label, g_free);
  cell->n_words = 0;
  cell->n_changed = 0;
  cell->bleu_value = NAN;
}

/* Frees the cell; its row is removed by its card's owner. */
static void
cell_free (gpointer data)
{
  Cell *cell = data;

  cell_clear_hypothesis (cell);
  g_free (cell);
}

static void
sentence_free (gpointer data)
{
  Sentence *sentence = data;

  g_ptr_array_unref (sentence->cells);
  g_free (sentence->source);
  g_free (sentence->reference);
  g_free (sentence);
}

static GtkWidget *
text_line (DidactSamplesView *self,
           const char        *caption,
           const char        *text,
           gboolean           dim)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *title = gtk_label_new (caption);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_valign (title, GTK_ALIGN_BASELINE);
  gtk_widget_add_css_class (title, "caption");
  gtk_widget_add_css_class (title, "dim-label");
  gtk_size_group_add_widget (self->names_group, title);
  gtk_box_append (GTK_BOX (box), title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_focusable (label, FALSE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_BASELINE);
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL,
                                  -1);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

static Sentence *
sentence_new (DidactSamplesView *self,
              guint              index,
              const char        *source,
              const char        *reference)
{
  Sentence *sentence = g_new0 (Sentence, 1);
  GtkWidget *inner;
  g_autofree char *card_label = NULL;

  sentence->source = g_strdup (source != NULL ? source : "");
  sentence->reference = g_strdup (reference != NULL ? reference : "");
  sentence->cells = g_ptr_array_new_with_free_func (cell_free);

  sentence->card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (sentence->card, "card");
  /* TRANSLATORS: the n-th of the dev sentences whose translations are shown */
  card_label = g_strdup_printf (_("Sentence %u"), index + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sentence->card),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, card_label, -1);

  inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (inner, 12);
  gtk_widget_set_margin_bottom (inner, 12);
  gtk_widget_set_margin_start (inner, 14);
  gtk_widget_set_margin_end (inner, 14);
  /* TRANSLATORS: the sentence to translate, as a column caption */
  gtk_box_append (GTK_BOX (inner), text_line (self, C_("sample", "Source"), sentence->source, FALSE));
  /* TRANSLATORS: the human translation, as a column caption */
  gtk_box_append (GTK_BOX (inner), text_line (self, C_("sample", "Reference"), sentence->reference, FALSE));
  sentence->separator = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_margin_top (sentence->separator, 3);
  gtk_widget_set_margin_bottom (sentence->separator, 3);
  gtk_widget_set_visible (sentence->separator, FALSE);
  gtk_box_append (GTK_BOX (inner), sentence->separator);
  gtk_box_append (GTK_BOX (sentence->card), inner);

  for (guint a = 0; a < self->n_arms; a++)
    {
      Cell *cell = cell_new (self, sentence, a);

      g_ptr_array_add (sentence->cells, cell);
      gtk_box_append (GTK_BOX (inner), cell->row);
    }
  return sentence;
}

/* Where a sentence's arm rows go: after the source and reference lines. */
static GtkWidget *
sentence_rows_box (Sentence *sentence)
{
  return gtk_widget_get_first_child (sentence->card);
}

/* The separator shows while some arm has a row to show under it. */
static void
sentence_update_separator (Sentence *sentence)
{
  gboolean any = FALSE;

  for (guint a = 0; a < sentence->cells->len && !any; a++)
    any = ((Cell *) g_ptr_array_index (sentence->cells, a))->words != NULL;
  gtk_widget_set_visible (sentence->separator, any);
}

static void
update_empty (DidactSamplesView *self)
{
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack),
                                    self->n_hypotheses > 0 ? "samples" : "empty");
}

static Cell *
get_cell (DidactSamplesView *self,
          guint              sentence,
          guint              arm)
{
  Sentence *s;

  if (sentence >= self->sentences->len || arm >= self->n_arms)
    return NULL;
  s = g_ptr_array_index (self->sentences, sentence);
  return g_ptr_array_index (s->cells, arm);
}

/* ------------------------------------------------------------------------
 * The widget
 */

static void
didact_samples_view_css_changed (GtkWidget         *widget,
                                 GtkCssStyleChange *change)
{
  DidactSamplesView *self = DIDACT_SAMPLES_VIEW (widget);
  GdkRGBA fg;
  gboolean dark;

  GTK_WIDGET_CLASS (didact_samples_view_parent_class)->css_changed (widget, change);

#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, &fg);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
#endif
  /* light text is a dark style; outside a window GTK's initial colour is
   * white, so only trust it inside one */
  dark = gtk_widget_get_root (widget) != NULL &&
         0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
  if (dark == self->dark)
    return;
  self->dark = dark;
  update_legend (self);
  for (guint i = 0; i < self->sentences->len; i++)
    {
      Sentence *s = g_ptr_array_index (self->sentences, i);

      for (guint a = 0; a < s->cells->len; a++)
        {
          Cell *cell = g_ptr_array_index (s->cells, a);

          if (cell->words != NULL)
            {
              g_autofree char *markup = cell_markup (cell, dark);

              gtk_label_set_markup (GTK_LABEL (cell->text), markup);
            }
        }
    }
}

static void
didact_samples_view_dispose (GObject *object)
{
  DidactSamplesView *self = DIDACT_SAMPLES_VIEW (object);

  g_clear_pointer (&self->stack, gtk_widget_unparent);
  G_OBJECT_CLASS (didact_samples_view_parent_class)->dispose (object);
}

static void
didact_samples_view_finalize (GObject *object)
{
  DidactSamplesView *self = DIDACT_SAMPLES_VIEW (object);

  g_ptr_array_unref (self->sentences);
  g_strfreev (self->arm_names);
  g_free (self->arm_colors);
  g_object_unref (self->names_group);
  g_object_unref (self->bleu_group);
  G_OBJECT_CLASS (didact_samples_view_parent_class)->finalize (object);
}

static void
didact_samples_view_class_init (DidactSamplesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = didact_samples_view_dispose;
  object_class->finalize = didact_samples_view_finalize;
  widget_class->css_changed = didact_samples_view_css_changed;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "samplesview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
didact_samples_view_init (DidactSamplesView *self)
{
  GtkWidget *status, *scrolled, *clamp, *content;

  self->sentences = g_ptr_array_new_with_free_func (sentence_free);
  self->arm_names = g_new0 (char *, 1);
  self->step = -1;
  self->names_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->bleu_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Translation samples"),
                                  -1);

  self->stack = gtk_stack_new ();
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  status = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "accessories-dictionary-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("No Translations Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   _("Press Play to start training"));
  gtk_widget_add_css_class (status, "compact");
  gtk_stack_add_named (GTK_STACK (self->stack), status, "empty");

  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 18);
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);

  self->header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (self->header, 2);
  gtk_widget_set_margin_end (self->header, 2);
  self->step_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->step_label), 0);
  gtk_widget_set_hexpand (self->step_label, TRUE);
  gtk_widget_set_valign (self->step_label, GTK_ALIGN_BASELINE);
  gtk_widget_add_css_class (self->step_label, "heading");
  gtk_widget_add_css_class (self->step_label, "numeric");
  gtk_box_append (GTK_BOX (self->header), self->step_label);
  self->legend = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->legend), 1);
  gtk_widget_set_valign (self->legend, GTK_ALIGN_BASELINE);
  gtk_widget_set_hexpand (self->legend, TRUE);
  gtk_label_set_wrap (GTK_LABEL (self->legend), TRUE);
  gtk_widget_add_css_class (self->legend, "caption");
  gtk_box_append (GTK_BOX (self->header), self->legend);
  update_legend (self);
  gtk_box_append (GTK_BOX (content), self->header);

  self->cards = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (content), self->cards);

  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 960);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 720);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_hexpand (scrolled, TRUE);
  gtk_stack_add_named (GTK_STACK (self->stack), scrolled, "samples");

  didact_samples_view_set_step (self, -1);
  update_empty (self);
}

GtkWidget *
didact_samples_view_new (void)
{
  return g_object_new (DIDACT_TYPE_SAMPLES_VIEW, NULL);
}

void
didact_samples_view_set_sentences (DidactSamplesView *self,
                                   guint              n,
                                   const char *const *sources,
                                   const char *const *references)
{
  GtkWidget *child;

  g_return_if_fail (DIDACT_IS_SAMPLES_VIEW (self));
  g_return_if_fail (n == 0 || (sources != NULL && references != NULL));

  while ((child = gtk_widget_get_first_child (self->cards)) != NULL)
    gtk_box_remove (GTK_BOX (self->cards), child);
  g_ptr_array_set_size (self->sentences, 0);
  self->n_hypotheses = 0;

  for (guint i = 0; i < n; i++)
    {
      Sentence *sentence = sentence_new (self, i, sources[i], references[i]);

      g_ptr_array_add (self->sentences, sentence);
      gtk_box_append (GTK_BOX (self->cards), sentence->card);
    }
  update_empty (self);
}

guint
didact_samples_view_get_n_sentences (DidactSamplesView *self)
{
  g_return_val_if_fail (DIDACT_IS_SAMPLES_VIEW (self), 0);
  return self->sentences->len;
}

void
didact_samples_view_set_arms (DidactSamplesView *self,
                              guint              n_arms,
                              const char *const *names,
                              const GdkRGBA     *colors)
{
  guint old = self->n_arms;

  g_return_if_fail (DIDACT_IS_SAMPLES_VIEW (self));
  g_return_if_fail (n_arms == 0 || names != NULL);

  g_strfreev (self->arm_names);
  self->arm_names = g_new0 (char *, n_arms + 1);
  for (guint a = 0; a < n_arms; a++)
    self->arm_names[a] = g_strdup (names[a] != NULL ? names[a] : "");
  g_clear_pointer (&self->arm_colors, g_free);
  if (colors != NULL)
    self->arm_colors = g_memdup2 (colors, sizeof (GdkRGBA) * n_arms);
  self->n_arms = n_arms;

  for (guint i = 0; i < self->sentences->len; i++)
    {
      Sentence *s = g_ptr_array_index (self->sentences, i);
      GtkWidget *rows = sentence_rows_box (s);

      for (guint a = n_arms; a < old; a++)
        {
          Cell *cell = g_ptr_array_index (s->cells, a);

          if (cell->words != NULL)
            self->n_hypotheses--;
          gtk_box_remove (GTK_BOX (rows), cell->row);
        }
      if (n_arms < old)
        g_ptr_array_set_size (s->cells, n_arms);
      for (guint a = 0; a < MIN (n_arms, old); a++)
        {
          Cell *cell = g_ptr_array_index (s->cells, a);

          cell_set_arm (self, cell);
          if (cell->words != NULL)
            cell_update (self, cell);   /* the name is in its accessible label */
        }
      for (guint a = old; a < n_arms; a++)
        {
          Cell *cell = cell_new (self, s, a);

          g_ptr_array_add (s->cells, cell);
          gtk_box_append (GTK_BOX (rows), cell->row);
        }
      sentence_update_separator (s);
    }
  update_empty (self);
}

guint
didact_samples_view_get_n_arms (DidactSamplesView *self)
{
  g_return_val_if_fail (DIDACT_IS_SAMPLES_VIEW (self), 0);
  return self->n_arms;
}

void
didact_samples_view_set_hypothesis (DidactSamplesView *self,
                                    guint              sentence,
                                    guint              arm,
                                    const char        *hypothesis,
                                    double             bleu)
{
  Cell *cell;
  char **words;
  guint n_words;
  guint8 *changed;

  g_return_if_fail (DIDACT_IS_SAMPLES_VIEW (self));
  cell = get_cell (self, sentence, arm);
  g_return_if_fail (cell != NULL);

  words = split_words (hypothesis, &n_words);
  changed = g_new0 (guint8, MAX (n_words, 1));
  if (cell->words != NULL)
    cell->n_changed = mark_changed (words, n_words, cell->words, cell->n_words, changed);
  else
    {
      cell->n_changed = 0;
      self->n_hypotheses++;
    }
  g_strfreev (cell->words);
  g_free (cell->changed);
  cell->words = words;
  cell->n_words = n_words;
  cell->changed = changed;
  cell->bleu_value = isfinite (bleu) ? CLAMP (bleu, 0.0, 100.0) : NAN;
  cell_update (self, cell);
  gtk_widget_set_visible (cell->sentence->separator, TRUE);
  if (self->n_hypotheses == 1)
    update_empty (self);
}

void
didact_samples_view_set_step (DidactSamplesView *self,
                              gint64             step)
{
  g_return_if_fail (DIDACT_IS_SAMPLES_VIEW (self));

  self->step = step;
  if (step < 0)
    gtk_label_set_text (GTK_LABEL (self->step_label), "");
  else
    {
      /* TRANSLATORS: the training step at which the translations shown were made */
      g_autofree char *text = g_strdup_printf (_("Decoded at step %'lld"), (long long) step);

      gtk_label_set_text (GTK_LABEL (self->step_label), text);
    }
}

gint64
didact_samples_view_get_step (DidactSamplesView *self)
{
  g_return_val_if_fail (DIDACT_IS_SAMPLES_VIEW (self), -1);
  return self->step;
}

char *
didact_samples_view_dup_hypothesis_markup (DidactSamplesView *self,
                                           guint              sentence,
                                           guint              arm)
{
  Cell *cell;

  g_return_val_if_fail (DIDACT_IS_SAMPLES_VIEW (self), NULL);
  cell = get_cell (self, sentence, arm);
  g_return_val_if_fail (cell != NULL, NULL);
  if (cell->words == NULL)
    return NULL;
  return g_strdup (gtk_label_get_label (GTK_LABEL (cell->text)));
}

guint
didact_samples_view_get_n_changed (DidactSamplesView *self,
                                   guint              sentence,
                                   guint              arm)
{
  Cell *cell;

  g_return_val_if_fail (DIDACT_IS_SAMPLES_VIEW (self), 0);
  cell = get_cell (self, sentence, arm);
  g_return_val_if_fail (cell != NULL, 0);
  return cell->n_changed;
}

char *
didact_samples_view_dup_bleu_text (DidactSamplesView *self,
                                   guint              sentence,
                                   guint              arm)
{
  Cell *cell;

  g_return_val_if_fail (DIDACT_IS_SAMPLES_VIEW (self), NULL);
  cell = get_cell (self, sentence, arm);
  g_return_val_if_fail (cell != NULL, NULL);
  if (cell->words == NULL || !gtk_widget_get_visible (cell->bleu))
    return NULL;
  return g_strdup (gtk_label_get_text (GTK_LABEL (cell->bleu)));
}

char *
didact_samples_view_dup_row_label (DidactSamplesView *self,
                                   guint              sentence,
                                   guint              arm)
{
  Cell *cell;

  g_return_val_if_fail (DIDACT_IS_SAMPLES_VIEW (self), NULL);
  cell = get_cell (self, sentence, arm);
  g_return_val_if_fail (cell != NULL, NULL);
  return g_strdup (cell->a11y_label);
}

gboolean
didact_samples_view_get_empty (DidactSamplesView *self)
{
  g_return_val_if_fail (DIDACT_IS_SAMPLES_VIEW (self), TRUE);
  return self->n_hypotheses == 0;
}
